#!/usr/bin/env python3
"""Sorts the ID switches of a result on a simulated clip by what caused them.

    ~/.cache/netball-venv/bin/python scripts/id_switches.py truth.json result.json [-v]

(NumPy and SciPy, as in the TrackEval environment scripts/setup.sh makes.)

Truth people (players and umpires) are matched to the result's tracks frame by frame as CLEAR
MOT does in TrackEval: IoU >= 0.5, the previous frame's pairs kept first, the rest by the
Hungarian method; a person's matched id changing from the one she last had is an ID switch
(so the count is `netball eval`'s). Each switch is sorted by the new id:
  fresh              the track started in the last 2 frames,
  back to her own    the id was hers when last matched,
  exchange, one team the id was last on another person of her team (identical kits),
  exchange, two teams the id was last on a person of the other team or an official,
  unowned            the id had matched nobody yet;
by whether her old id is on someone else in the same frame (the two tracks exchanged people),
and by how long she keeps the new id (25 frames or less: a short exchange that is undone).

A second table sorts them by what she was going through in the 10 frames up to the switch:
  overlap     her box's largest IoU with another person's (over 0.3: one stood in front of
              the other; over 0.05: near; else alone),
  detection   whether in any of those frames no detection of the result fitted her box
              (IoU 0.5): the detector missed her or merged her box into another's,
  visibility  whether less than half of her was in sight in any of those frames.
"""

import collections
import json
import sys

import numpy as np
from scipy.optimize import linear_sum_assignment

PEOPLE = ("player", "umpire")
SHORT = 25
# Frames up to a switch looked at to say what the person went through (`circumstances`).
BEFORE = 10


def corners(bbox):
    """A result box (`{"x1", "y1", "x2", "y2"}`) as [x1, y1, x2, y2]."""
    return [bbox[k] for k in ("x1", "y1", "x2", "y2")]


def ious(a, b):
    """IoU of every box of `a` with every box of `b` (x1, y1, x2, y2)."""
    a = np.asarray(a, float).reshape(-1, 4)
    b = np.asarray(b, float).reshape(-1, 4)
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / np.maximum(area_a[:, None] + area_b[None, :] - inter, 1e-9)


def switches(truth, result):
    """Every ID switch as a dict, and each person's matched ids as (frame, id) in order."""
    frames = {f["frame"]: f for f in result["frames"]}
    last, last_frame, owner, started, team = {}, {}, {}, {}, {}
    history = collections.defaultdict(list)
    found = []
    for frame in truth["frames"]:
        n = frame["frame"]
        people = [o for o in frame["objects"] if o["class"] in PEOPLE]
        for p in people:
            team[p["id"]] = p.get("team") or p["class"]
        tracks = [(t["id"], corners(t["bbox"])) for t in frames.get(n, {}).get("tracks", [])]
        for tid, _ in tracks:
            started.setdefault(tid, n)
        if not people or not tracks:
            continue
        gids = [p["id"] for p in people]
        tids = [t for t, _ in tracks]
        similarity = ious([p["box"] for p in people], [b for _, b in tracks])
        score = similarity.copy()
        for i, g in enumerate(gids):
            if last_frame.get(g) == n - 1 and last[g] in tids:
                score[i, tids.index(last[g])] += 1000.0
        score[similarity < 0.5] = 0.0
        rows, cols = linear_sum_assignment(-score)
        matched = {gids[i]: tids[j] for i, j in zip(rows, cols) if score[i, j] > 0}
        for g, tid in matched.items():
            if g in last and last[g] != tid:
                before = owner.get(tid)
                if started[tid] >= n - 2:
                    kind = "fresh"
                elif before is None:
                    kind = "unowned"
                elif before == g:
                    kind = "back to her own"
                elif team[before] == team[g]:
                    kind = "exchange, one team"
                else:
                    kind = "exchange, two teams"
                old_elsewhere = last[g] in matched.values()
                found.append(dict(frame=n, person=g, old=last[g], new=tid, kind=kind,
                                  old_elsewhere=old_elsewhere))
            last[g], last_frame[g] = tid, n
            owner[tid] = g
            history[g].append((n, tid))
    return found, history


def kept_for(switch, history):
    """Frames the person stayed on the new id from the switch on."""
    count = 0
    for n, tid in history[switch["person"]]:
        if n < switch["frame"]:
            continue
        if tid != switch["new"]:
            break
        count += 1
    return count


def circumstances(switch, truth_frames, result_frames):
    """(overlap, detection, visibility) of the person in the `BEFORE` frames up to a switch."""
    g, n = switch["person"], switch["frame"]
    overlap, missed, least_visible = 0.0, False, 1.0
    for k in range(max(0, n - BEFORE), n + 1):
        objects = [o for o in truth_frames.get(k, {}).get("objects", []) if o["class"] in PEOPLE]
        her = next((o for o in objects if o["id"] == g), None)
        if her is None:
            continue
        least_visible = min(least_visible, her.get("visibility", 1.0))
        others = [o["box"] for o in objects if o["id"] != g]
        if others:
            overlap = max(overlap, float(ious([her["box"]], others).max()))
        detections = [
            corners(d["bbox"])
            for d in result_frames.get(k, {}).get("detections", [])
            if d.get("label") in PEOPLE
        ]
        missed |= not detections or float(ious([her["box"]], detections).max()) < 0.5
    return (
        "in front/behind" if overlap > 0.3 else "near" if overlap > 0.05 else "alone",
        "missed" if missed else "detected",
        "half hidden" if least_visible < 0.5 else "in sight",
    )


def main(truth_path, result_path, verbose):
    truth = json.load(open(truth_path))
    result = json.load(open(result_path))
    found, history = switches(truth, result)
    truth_frames = {f["frame"]: f for f in truth["frames"]}
    result_frames = {f["frame"]: f for f in result["frames"]}
    kinds, whys = collections.Counter(), collections.Counter()
    for s in found:
        short = kept_for(s, history) <= SHORT
        kinds[(s["kind"], s["old_elsewhere"], short)] += 1
        why = circumstances(s, truth_frames, result_frames)
        whys[why] += 1
        if verbose:
            print(s, "short" if short else "", ", ".join(why))
    print(f"{len(found)} ID switches")
    print(f"  {'new id':22} {'old id on another':>18} {'kept <= 25 frames':>18} {'count':>6}")
    for (kind, elsewhere, short), count in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"  {kind:22} {'yes' if elsewhere else 'no':>18} {'yes' if short else 'no':>18} "
              f"{count:6}")
    print(f"  {'overlap':16} {'her detection':>14} {'visibility':>12} {'count':>6}")
    for (overlap, detection, visibility), count in whys.most_common():
        print(f"  {overlap:16} {detection:>14} {visibility:>12} {count:6}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    if len(args) != 2:
        sys.exit(__doc__)
    main(args[0], args[1], "-v" in sys.argv[1:])
