"""Date formats for Vietnamese: day first, always (Django's defaults also accept month-first input,
which would read "10/03/2018" as 3 October)."""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "H:i d/m/Y"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
FIRST_DAY_OF_WEEK = 1
# Numbers: a comma before the decimals, a dot between thousands ("1.234,5"). Django's own Vietnamese formats do
# not group (NUMBER_GROUPING 0), so counts printed with ``intcomma`` read "1234567" (issue 18).
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
