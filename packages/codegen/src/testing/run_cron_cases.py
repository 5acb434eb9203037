"""Runs packages/protocol/cases/cron.json against a Python runtime folder and prints one JSON
result per case: {"fires": [ISO times]} | {"crash": message}.
Usage: python3 run_cron_cases.py <folder holding runtime/> <cases.json>"""

import json
import sys
from datetime import datetime

sys.path.insert(0, sys.argv[1])

from runtime.cron import Cron  # noqa: E402

data = json.load(open(sys.argv[2], encoding="utf-8"))


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


results = []
for case in data["cases"]:
    try:
        cron = Cron(case["expression"], case["timezone"])
        cursor = datetime.fromisoformat(case["from"].replace("Z", "+00:00"))
        fires = []
        while len(fires) < len(case["fires"]):
            cursor = cron.next_after(cursor)
            if cursor is None:
                break
            fires.append(iso(cursor))
        results.append({"fires": fires})
    except Exception as error:  # noqa: BLE001 - reported per case
        results.append({"crash": f"{type(error).__name__}: {error}"})
print(json.dumps(results))
