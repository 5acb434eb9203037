"""Cron schedules of an exported app: when a cron trigger fires next, as the hub computes it.

The hub reads expressions with croner (5 fields, or 6 with seconds first; names, ranges, */step
and a-b/step, lists, ?, L, LW, nW in the day of month; n#k, nL and a leading + in the day of
week; @daily and the other nicknames). This module reads the same syntax the same way and is
tested case for case against the hub (packages/protocol/cases/cron.json). Standard library only.

Times are found in the trigger's time zone as wall-clock times. Daylight-saving changes follow the
hub (croner, as Vixie cron does): a fixed-time schedule (one value each in seconds, minutes and
hours, like 30 2 * * *) fires once at the first occurrence of a time the autumn change repeats,
and at the end of the spring gap for a time that does not exist; every other schedule keeps real
time, firing on both passes through a repeated hour and skipping times in the gap.
"""

import calendar
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

NICKNAMES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
ANY_NTH = 63  # a plain weekday: every occurrence in the month
LAST_NTH = 32  # nL: the last occurrence
SEARCH_YEARS = 400  # a Gregorian cycle: every calendar pattern repeats within it
ONE_SECOND = timedelta(seconds=1)
# More than any change of a zone's UTC offset: wall-clock times this far apart are in real-time order.
OFFSET_SPAN = timedelta(hours=3)
UTC = timezone.utc


class CronError(ValueError):
    """An expression the hub would not accept either."""


def _replace_names(text, names, first):
    lowered = text.lower()
    for index, name in enumerate(names):
        lowered = lowered.replace(name, str(index + first))
    return lowered


def _number(text, what):
    if not text.isdigit():
        raise CronError(f"{what} is not a number: {text!r}")
    return int(text)


class _Field:
    """The values one field allows, as a set of integers."""

    def __init__(self, text, low, high, what):
        self.values = set()
        self.low, self.high, self.what = low, high, what
        for part in text.split(","):
            self._add(part)

    def _add(self, part):
        if part == "*":
            self.values.update(range(self.low, self.high + 1))
        elif "/" in part:
            start_text, step_text = part.split("/", 1)
            step = _number(step_text, f"the {self.what} step")
            if step == 0:
                raise CronError(f"a {self.what} step of 0")
            if start_text == "*":
                start, end = self.low, self.high
            elif "-" in start_text:
                start, end = (_number(v, self.what) for v in start_text.split("-", 1))
            else:
                raise CronError(f"a {self.what} step needs */step or a-b/step: {part!r}")
            self._range(start, end, step)
        elif "-" in part:
            start, end = (_number(v, self.what) for v in part.split("-", 1))
            self._range(start, end, 1)
        else:
            self._put(_number(part, self.what))

    def _range(self, start, end, step):
        if start > end:
            raise CronError(f"{self.what} range {start}-{end} runs backwards")
        for value in range(start, end + 1, step):
            self._put(value)

    def _put(self, value):
        if not self.low <= value <= self.high:
            raise CronError(f"{self.what} {value} is out of range")
        self.values.add(value)


class _Weekdays:
    """The day-of-week field: weekday (0 = Sunday) -> which occurrences in the month (bits)."""

    def __init__(self, text):
        self.nth = {}
        for part in text.split(","):
            occurrence = ANY_NTH
            if "#" in part:
                part, which = part.split("#", 1)
                n = _number(which, "the nth weekday")
                if not 1 <= n <= 5:
                    raise CronError(f"nth weekday {n} is out of range (1-5)")
                occurrence = 1 << (n - 1)
            elif part.endswith("l"):
                part, occurrence = part[:-1], LAST_NTH
            for day in _Field(part, 0, 7, "day of week").values:
                day = 0 if day == 7 else day
                self.nth[day] = ANY_NTH if occurrence == ANY_NTH else self.nth.get(day, 0) | occurrence

    def matches(self, year, month, day):
        weekday = (calendar.weekday(year, month, day) + 1) % 7  # Python's Monday = 0
        wanted = self.nth.get(weekday, 0)
        if wanted == ANY_NTH:
            return True
        if wanted & (1 << ((day - 1) // 7)):  # the 1st..5th of its weekday this month
            return True
        return bool(wanted & LAST_NTH) and day + 7 > calendar.monthrange(year, month)[1]


def _nearest_weekday(year, month, day):
    """The weekday (Mon-Fri) nearest to `day` within the month, or None when the month is shorter."""
    last = calendar.monthrange(year, month)[1]
    if day > last:
        return None
    weekday = calendar.weekday(year, month, day)
    if weekday == 6:  # Sunday
        return day - 2 if day == last else day + 1
    if weekday == 5:  # Saturday
        return day + 2 if day == 1 else day - 1
    return day


def _last_weekday(year, month):
    last = calendar.monthrange(year, month)[1]
    weekday = calendar.weekday(year, month, last)
    return last - 2 if weekday == 6 else last - 1 if weekday == 5 else last


class Cron:
    """A parsed cron expression in an IANA time zone."""

    def __init__(self, expression, zone="UTC"):
        text = expression.strip()
        if "@" in text:
            text = NICKNAMES.get(text.lower(), text)
        parts = text.split()
        if len(parts) not in (5, 6):
            raise CronError(f"{expression!r}: a cron expression has 5 fields, or 6 with seconds first")
        if len(parts) == 5:
            parts.insert(0, "0")
        seconds, minutes, hours, days, months, weekdays = (p.lower() for p in parts)
        self.fixed_time = all(p.isdigit() for p in (seconds, minutes, hours))
        self.zone = ZoneInfo(zone)
        self.seconds = _Field(seconds.replace("?", "*"), 0, 59, "second").values
        self.minutes = _Field(minutes.replace("?", "*"), 0, 59, "minute").values
        self.hours = _Field(hours.replace("?", "*"), 0, 23, "hour").values
        self.months = _Field(_replace_names(months, MONTH_NAMES, 1).replace("?", "*"), 1, 12, "month").values
        self._days(days)
        weekdays = _replace_names(weekdays.replace("-sun", "-7"), DAY_NAMES, 0) if len(weekdays) >= 3 else weekdays
        self.both_days = weekdays.startswith("+")  # day of month AND day of week
        weekdays = weekdays.lstrip("+")
        self.any_weekday = weekdays == "*"
        self.weekdays = None if self.any_weekday else _Weekdays(weekdays.replace("?", "*"))

    def _days(self, text):
        self.any_day = text in ("*", "?")
        self.last_weekday = text == "lw"
        self.last_day = not self.last_weekday and "l" in text
        text = "" if self.last_weekday else text.replace("l", "").replace("?", "*")
        self.days, self.nearest = set(), set()
        for part in filter(None, text.split(",")):
            if part.endswith("w"):
                day = _number(part[:-1], "day of month")
                if not 1 <= day <= 31:
                    raise CronError(f"day of month {day} is out of range")
                self.nearest.add(day)
            else:
                self.days |= _Field(part, 1, 31, "day of month").values

    def day_matches(self, year, month, day):
        by_date = (
            day in self.days
            or any(_nearest_weekday(year, month, d) == day for d in self.nearest)
            or (self.last_weekday and day == _last_weekday(year, month))
            or (self.last_day and day == calendar.monthrange(year, month)[1])
        )
        if self.any_weekday:
            return by_date
        by_weekday = self.weekdays.matches(year, month, day)
        if self.both_days or self.any_day:
            return by_date and by_weekday
        return by_date or by_weekday

    def _next_wall(self, wall):
        """The first wall-clock time at or after `wall` (naive) that matches, or None."""
        limit = wall.year + SEARCH_YEARS
        while wall.year <= limit:
            if wall.month not in self.months:
                wall = (wall.replace(day=1, hour=0, minute=0, second=0) + timedelta(days=32)).replace(day=1)
            elif not self.day_matches(wall.year, wall.month, wall.day):
                wall = wall.replace(hour=0, minute=0, second=0) + timedelta(days=1)
            elif wall.hour not in self.hours:
                wall = wall.replace(minute=0, second=0) + timedelta(hours=1)
            elif wall.minute not in self.minutes:
                wall = wall.replace(second=0) + timedelta(minutes=1)
            elif wall.second not in self.seconds:
                wall += ONE_SECOND
            else:
                return wall
        return None

    def _instants(self, wall):
        """The instants a matching wall-clock time stands for: one, or two in a repeated hour for
        a schedule that keeps real time, or none in the spring gap (a fixed time: the gap's end)."""
        first = wall.replace(tzinfo=self.zone, fold=0).astimezone(UTC)
        second = wall.replace(tzinfo=self.zone, fold=1).astimezone(UTC)
        if first.astimezone(self.zone).replace(tzinfo=None) != wall:  # in the gap
            return [self._gap_end(second, first)] if self.fixed_time else []
        if second != first and not self.fixed_time:
            return [first, second]
        return [first]

    def _gap_end(self, low, high):
        """The instant the clocks jump at, between `low` (before it) and `high` (after it)."""
        offset = high.astimezone(self.zone).utcoffset()
        while high - low > ONE_SECOND:
            middle = low + (high - low) / 2
            if middle.astimezone(self.zone).utcoffset() == offset:
                high = middle
            else:
                low = middle
        return high.replace(microsecond=0)

    def _steady(self, instant):
        """No change of the UTC offset within OFFSET_SPAN of `instant`: near it, wall-clock order is
        real-time order."""
        return (instant - OFFSET_SPAN).astimezone(self.zone).utcoffset() == (instant + OFFSET_SPAN).astimezone(self.zone).utcoffset()

    def next_after(self, after):
        """The first fire time strictly after `after` (an aware datetime), in UTC, or None.

        Matching wall-clock times are visited in wall-clock order. Near a change of the UTC offset
        that is not real-time order (a repeated hour), so there the search starts a little before
        `after`'s wall-clock time, keeps the earliest instant, and stops once later wall-clock
        times can only be later instants."""
        after = after.astimezone(UTC)
        wall = after.astimezone(self.zone).replace(tzinfo=None, microsecond=0)
        wall = wall + ONE_SECOND if self._steady(after) else wall - OFFSET_SPAN
        best = None
        while True:
            wall = self._next_wall(wall)
            if wall is None or (best is not None and wall > best.astimezone(self.zone).replace(tzinfo=None) + OFFSET_SPAN):
                return best
            for instant in self._instants(wall):
                if instant > after and (best is None or instant < best):
                    best = instant
            if best is not None and self._steady(best):
                return best
            wall += ONE_SECOND


def next_fire(expression, zone, after):
    """The next fire time after `after` (aware datetime) of an expression in a time zone."""
    return Cron(expression, zone).next_after(after)


def now():
    return datetime.now(timezone.utc)
