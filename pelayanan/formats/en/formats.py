# The same day-month-year order in English ("28 November 2026, 21.11"): the portal's own pages write dates
# so in both languages, and Django's US default ("Nov. 28, 2026, 9:11 p.m.") showed only in the admin.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
TIME_FORMAT = "H.i"
