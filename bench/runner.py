"""Timing two sides of a comparison on a machine whose speed drifts: the runs are interleaved
(A B A B A B), so a slow minute hurts both sides alike, and each side is summarised by its median
with the spread (min, max) shown beside it."""
import statistics


def interleave(sides, rounds):
    """sides: {name: run(round) -> dict with "seconds"}; calls them in turn, `rounds` times.
    Returns {name: [result of round 0, round 1, ...]}."""
    results = {name: [] for name in sides}
    for r in range(rounds):
        for name, run in sides.items():
            results[name].append(run(r))
    return results


def spread(values):
    """(median, min, max) of a list of numbers; NaNs when the list is empty."""
    vals = [v for v in values if v == v]
    if not vals:
        nan = float("nan")
        return nan, nan, nan
    return statistics.median(vals), min(vals), max(vals)


def median_run(results, key="seconds"):
    """The result whose `key` is the median (the lower middle one for an even count): its other
    figures (the layout's quality) belong to that run."""
    ordered = sorted(results, key=lambda r: r[key])
    return ordered[(len(ordered) - 1) // 2]


def fmt_spread(values, digits=3):
    med, lo, hi = spread(values)
    if med != med:
        return "-"
    if len(values) == 1:
        return f"{med:.{digits}f}"
    return f"{med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"
