"""Draws a capacity curve as SVG (no plotting library on the box): latency percentiles against the
arrival rate, with the 100 ms p95 target. Input lines on stdin: `rate p50 p95 p99` (ms).
Usage: python3 load-tests/capacity_chart.py "title" < points.txt > chart.svg"""
import sys

W, H, L, B, T, R = 640, 380, 60, 50, 40, 20
points = sorted(tuple(float(v) for v in line.split()) for line in sys.stdin if line.strip())
max_rate = max(p[0] for p in points) * 1.05
max_ms = max(max(p[3] for p in points), 100) * 1.1


def x(rate):
    return L + (W - L - R) * rate / max_rate


def y(ms):
    return H - B - (H - B - T) * ms / max_ms


out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
       f'<rect width="{W}" height="{H}" fill="white"/>',
       f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">{sys.argv[1]}</text>',
       f'<line x1="{L}" y1="{H - B}" x2="{W - R}" y2="{H - B}" stroke="black"/>',
       f'<line x1="{L}" y1="{T}" x2="{L}" y2="{H - B}" stroke="black"/>',
       f'<text x="{W / 2}" y="{H - 10}" text-anchor="middle">arrival rate (single-event POSTs/s)</text>',
       f'<text x="15" y="{H / 2}" transform="rotate(-90 15 {H / 2})" text-anchor="middle">latency (ms)</text>',
       f'<line x1="{L}" y1="{y(100)}" x2="{W - R}" y2="{y(100)}" stroke="red" stroke-dasharray="4 4"/>',
       f'<text x="{W - R}" y="{y(100) - 4}" text-anchor="end" fill="red">p95 target 100 ms</text>']
for rate, *_ in points:
    out.append(f'<text x="{x(rate)}" y="{H - B + 16}" text-anchor="middle">{rate:,.0f}</text>')
step = 100 if max_ms < 1000 else 250
for ms in range(0, int(max_ms) + 1, step):
    out.append(f'<text x="{L - 6}" y="{y(ms) + 4}" text-anchor="end">{ms}</text>')
for column, colour, name in ((1, "#888", "p50"), (2, "#1f6feb", "p95"), (3, "#8250df", "p99")):
    path = " ".join(f"{x(p[0]):.1f},{y(p[column]):.1f}" for p in points)
    out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    for p in points:
        out.append(f'<circle cx="{x(p[0]):.1f}" cy="{y(p[column]):.1f}" r="3" fill="{colour}"/>')
    last = points[-1]
    out.append(f'<text x="{x(last[0]) - 8}" y="{y(last[column]) - 6}" text-anchor="end" fill="{colour}">{name}</text>')
out.append("</svg>")
print("\n".join(out))
