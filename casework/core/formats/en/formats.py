"""One date format everywhere on pages (issue 10): "Feb 20, 2022", times as "3:05 PM".

Django's English locale would otherwise print "Feb. 20, 2022" for a bare ``{{ date }}``
while templates asked for "February 20, 2022" or "2022-02-20". The API keeps ISO 8601.
"""

DATE_FORMAT = "M j, Y"
SHORT_DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y g:i A"
SHORT_DATETIME_FORMAT = "M j, Y g:i A"
TIME_FORMAT = "g:i A"
