#!/usr/bin/env python3
"""Checks src/'s layering: includes point down a layer only, no include cycles,
and only tracer/ touches libbpf or the skeleton. Also that each
bpf/ header compiles on its own (make bpf-headers: clang -target bpf on a stub
that includes only it).

Layers, bottom up: base (vmtrace.h, config.h), model/, tracer/ and report/ (side
by side: neither includes the other), ci/, then the top (main.c, cli.c, ...).
Prints one line per violation and a Check-style summary line."""
import os
import re
import subprocess
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
RANK = {'base': 0, 'model': 1, 'tracer': 2, 'report': 2, 'ci': 3, 'top': 4}
LIBBPF = re.compile(r'#include <bpf/|#include "vmtrace\.skel\.h"')
INCLUDE = re.compile(r'#include "([^"]+)"')


def layer(rel):
    if '/' in rel:
        return rel.split('/')[0]
    return 'base' if rel in ('vmtrace.h', 'config.h') else 'top'


def bpf_headers():
    """Each bpf/*.bpf.h alone; a line per header that does not compile."""
    top = os.path.join(ROOT, '..')
    r = subprocess.run(['make', '-s', '-k', '-j%d' % (os.cpu_count() or 1),
                        '--no-print-directory', '-C', top, 'bpf-headers'],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode == 0:
        return []
    sys.stdout.write(r.stdout)
    lines = [l for l in r.stdout.splitlines() if l.startswith('bpf-headers: ')]
    return [l[len('bpf-headers: '):] for l in lines] or ['make bpf-headers failed']


def main():
    files = {}
    for d, _, names in os.walk(ROOT):
        for n in names:
            if n.endswith(('.c', '.h')):
                rel = os.path.relpath(os.path.join(d, n), ROOT)
                files[rel] = open(os.path.join(d, n)).read()
    bad = []
    graph = {}
    for rel, text in sorted(files.items()):
        me = layer(rel)
        graph[rel] = [i for i in INCLUDE.findall(text) if i in files]
        for inc in graph[rel]:
            them = layer(inc)
            if them != me and (RANK[them] >= RANK[me]):
                bad.append(f'{rel}: includes {inc} ({them} is not below {me})')
        if LIBBPF.search(text) and me != 'tracer':
            bad.append(f'{rel}: uses libbpf or the skeleton outside tracer/')
    # include cycles among headers
    state = {}

    def visit(f, path):
        state[f] = 1
        for g in graph.get(f, []):
            if state.get(g) == 1:
                bad.append('include cycle: ' + ' -> '.join(path + [f, g]))
            elif not state.get(g):
                visit(g, path + [f])
        state[f] = 2
    for f in sorted(graph):
        if not state.get(f):
            visit(f, [])
    bad += bpf_headers()
    for b in bad:
        print('layers: ' + b)
    n = len(files)
    print(f'{100 if not bad else 0}%: Checks: 1, Failures: {1 if bad else 0}, Errors: 0')
    return 1 if bad else 0


sys.exit(main())
