#!/usr/bin/env python3
"""Sorts every change of track id on a simulated clip by what caused it.

    python3 scripts/id_switches.py truth.json result.json

Each frame, truth people (players and umpires) are matched greedily to the result's tracks at
IoU >= 0.5. When a person's id changes, the new id is called
  fresh      if that track started in the last 2 frames,
  exchange   if the track was last on another person (the two tracks swapped people),
  reacquire  otherwise (the id had been hers before).
For exchanges it reports whether the two people are of one team (identical kits), and for all
changes the largest box IoU the person had with anyone in the 15 frames before. A greedy
per-frame match counts more changes than CLEAR MOT's ID switches; it is for diagnosis only.
"""

import collections
import json
import statistics
import sys


def iou(a, b):
    x1, y1 = max(a[0], b[0]), max(a[1], b[1])
    x2, y2 = min(a[2], b[2]), min(a[3], b[3])
    inter = max(0.0, x2 - x1) * max(0.0, y2 - y1)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def main(truth_path, result_path):
    truth = json.load(open(truth_path))
    result = {f["frame"]: f for f in json.load(open(result_path))["frames"]}
    last, owner, first_seen, team = {}, {}, {}, {}
    recent = collections.defaultdict(lambda: collections.deque(maxlen=15))
    kinds, overlaps = collections.Counter(), []
    for frame in truth["frames"]:
        n = frame["frame"]
        people = [o for o in frame["objects"] if o["class"] in ("player", "umpire")]
        for o in people:
            team[o["id"]] = o.get("team", o["class"])
        tracks = [
            (t["id"], [t["bbox"][k] for k in ("x1", "y1", "x2", "y2")])
            for t in result.get(n, {}).get("tracks", [])
        ]
        for tid, _ in tracks:
            first_seen.setdefault(tid, n)
        pairs = sorted(
            ((iou(p["box"], box), p["id"], tid) for p in people for tid, box in tracks),
            reverse=True,
        )
        used_people, used_tracks, matched = set(), set(), {}
        for value, pid, tid in pairs:
            if value < 0.5:
                break
            if pid not in used_people and tid not in used_tracks:
                used_people.add(pid)
                used_tracks.add(tid)
                matched[pid] = tid
        for p in people:
            others = [iou(p["box"], o["box"]) for o in people if o is not p]
            recent[p["id"]].append(max(others, default=0.0))
            tid = matched.get(p["id"])
            if tid is None:
                continue
            if p["id"] in last and last[p["id"]] != tid:
                before = owner.get(tid)
                if first_seen[tid] >= n - 2:
                    kind = "fresh"
                elif before not in (None, p["id"]):
                    kind = "exchange, one team" if team[before] == team[p["id"]] else "exchange, two teams"
                else:
                    kind = "reacquire"
                kinds[kind] += 1
                overlaps.append(max(recent[p["id"]]))
            last[p["id"]] = tid
            owner[tid] = p["id"]
    print(f"{sum(kinds.values())} changes of id")
    for kind, count in sorted(kinds.items()):
        print(f"  {kind:22} {count}")
    if len(overlaps) >= 2:
        deciles = statistics.quantiles(overlaps, n=10)
        print("largest IoU with anyone in the 15 frames before, deciles:",
              " ".join(f"{d:.2f}" for d in deciles))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
