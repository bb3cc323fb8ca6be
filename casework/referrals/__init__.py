"""Closed-loop referrals: lifecycle, partner inbox, status history, clocks."""
