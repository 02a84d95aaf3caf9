# Dates as letters and the portal's own pages write them (DOMAIN.md §3: "28 November 2026"), also where
# Django formats them itself (the admin's read-only fields, the history): Django's Indonesian default was
# "28 Nov. 2026, 20.25" beside "2 Desember 2026" on one page. Every other format falls back to Django's.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i"
TIME_FORMAT = "H.i"
