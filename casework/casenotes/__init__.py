"""Case notes: templates, signing, addenda, attachments, billable units."""
