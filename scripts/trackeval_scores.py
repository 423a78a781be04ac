#!/usr/bin/env python3
"""Scores a tracker's MOTChallenge output with TrackEval, the reference implementation.

    python3 scripts/trackeval_scores.py --gt gt.txt --pred pred.txt --frames N

prints one JSON object with the field names of `netball_server::eval::TrackingScores`
(fractions, not percent). `server/tests/eval_trackeval.rs` compares it with the Rust
implementation on synthetic sequences.

Requirements (Python 3.11; scripts/setup.sh installs them into ~/.cache/netball-venv):

    pip install -r scripts/python-requirements.txt    # trackeval==1.3.0 numpy==2.4.6 scipy==1.17.1 ...

TrackEval's HOTA, CLEAR and Identity metric classes are run directly on the data they expect
(`gt_ids`, `tracker_ids`, `similarity_scores`, ...), built here, rather than through its
MotChallenge2DBox loader: that loader keeps only pedestrians and drops distractor classes and
zero-marked rows, whereas here every ground-truth row is a target (class filtering is the
caller's business, as in the Rust reader). The IoUs come from TrackEval's own box IoU, and ids
are renumbered 0.. in increasing order, as its loaders do.

Input: `frame,id,left,top,width,height[,...]`, frames from 1 to N; blank lines are skipped.
Exit status 2 with a message on stderr for bad input.
"""

import argparse
import contextlib
import json
import sys

import numpy as np
from trackeval.datasets._base_dataset import _BaseDataset
from trackeval.metrics import CLEAR, HOTA, Identity


def fail(message):
    """Bad input: a message on stderr and exit status 2."""
    print(f"trackeval_scores: {message}", file=sys.stderr)
    sys.exit(2)


def read_mot(path, frames):
    """Per frame (0-based): the ids and the (left, top, width, height) boxes, in file order."""
    ids = [[] for _ in range(frames)]
    boxes = [[] for _ in range(frames)]
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            cols = [c.strip() for c in line.split(",")]
            if len(cols) < 6:
                fail(f"{path}:{number}: expected at least 6 columns, found {len(cols)}")
            frame, obj = int(float(cols[0])), int(float(cols[1]))
            if not 1 <= frame <= frames:
                fail(f"{path}:{number}: frame {frame} is outside 1..{frames}")
            ids[frame - 1].append(obj)
            boxes[frame - 1].append([float(c) for c in cols[2:6]])
    return ids, boxes


def renumber(ids):
    """Maps ids to 0.. in increasing order; returns the per-frame arrays and the id count."""
    unique = sorted({i for frame in ids for i in frame})
    index = {old: new for new, old in enumerate(unique)}
    return [np.array([index[i] for i in frame], dtype=int) for frame in ids], len(unique)


def trackeval_data(gt_path, pred_path, frames):
    """The dict TrackEval's metrics take for one sequence (its `get_preprocessed_seq_data`)."""
    gt_ids, gt_boxes = read_mot(gt_path, frames)
    tr_ids, tr_boxes = read_mot(pred_path, frames)
    similarity = [
        _BaseDataset._calculate_box_ious(
            np.array(g, dtype=float).reshape(-1, 4),
            np.array(t, dtype=float).reshape(-1, 4),
            box_format="xywh",
        )
        for g, t in zip(gt_boxes, tr_boxes)
    ]
    gt_ids, num_gt_ids = renumber(gt_ids)
    tr_ids, num_tr_ids = renumber(tr_ids)
    return {
        "num_timesteps": frames,
        "num_gt_ids": num_gt_ids,
        "num_tracker_ids": num_tr_ids,
        "gt_ids": gt_ids,
        "tracker_ids": tr_ids,
        "similarity_scores": similarity,
        "num_gt_dets": sum(len(f) for f in gt_ids),
        "num_tracker_dets": sum(len(f) for f in tr_ids),
    }


def scores(data):
    """TrackEval's results under the field names of `TrackingScores`."""
    config = {"THRESHOLD": 0.5, "PRINT_CONFIG": False}
    # Keep stdout for the JSON alone, whatever TrackEval prints.
    with contextlib.redirect_stdout(sys.stderr):
        hota = HOTA().eval_sequence(data)
        clear = CLEAR(config).eval_sequence(data)
        ident = Identity(config).eval_sequence(data)
    return {
        "hota": float(np.mean(hota["HOTA"])),
        "deta": float(np.mean(hota["DetA"])),
        "assa": float(np.mean(hota["AssA"])),
        "loca": float(np.mean(hota["LocA"])),
        "idf1": float(ident["IDF1"]),
        "idp": float(ident["IDP"]),
        "idr": float(ident["IDR"]),
        "mota": float(clear["MOTA"]),
        "motp": float(clear["MOTP"]),
        "id_switches": int(clear["IDSW"]),
        "fragmentations": int(clear["Frag"]),
        "false_positives": int(clear["CLR_FP"]),
        "false_negatives": int(clear["CLR_FN"]),
        "mostly_tracked": int(clear["MT"]),
        "partially_tracked": int(clear["PT"]),
        "mostly_lost": int(clear["ML"]),
        "gt_ids": int(data["num_gt_ids"]),
        "pred_ids": int(data["num_tracker_ids"]),
        "gt_detections": int(data["num_gt_dets"]),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gt", required=True, help="ground truth, MOTChallenge text")
    parser.add_argument("--pred", required=True, help="tracker output, MOTChallenge text")
    parser.add_argument("--frames", required=True, type=int, help="frames in the sequence")
    args = parser.parse_args()
    if args.frames < 0:
        parser.error("--frames must not be negative")
    try:
        data = trackeval_data(args.gt, args.pred, args.frames)
    except (OSError, ValueError) as e:
        fail(e)
    # Every value is finite: json.dumps writes floats with round-trip precision.
    print(json.dumps(scores(data)))


if __name__ == "__main__":
    main()
