#!/usr/bin/python3
# Reference for tests/scheduler/cron_test.cpp: for each input line
# "<expression>|<start unix seconds>|<count>", prints the next <count> matching times
# after start (unix seconds, UTC) as computed by croniter (Debian's python3-croniter),
# space-separated, one line per input line; "error <what>" when croniter fails.
import sys
from datetime import datetime, timezone

from croniter import croniter

for line in sys.stdin:
    line = line.rstrip('\n')
    if not line:
        continue
    expression, start, count = line.split('|')
    try:
        it = croniter(expression, datetime.fromtimestamp(int(start), tz=timezone.utc))
        times = [str(int(it.get_next(datetime).timestamp())) for _ in range(int(count))]
        print(' '.join(times))
    except Exception as e:  # reported by the test, with the expression
        print('error ' + type(e).__name__ + ': ' + str(e).replace('\n', ' '))
