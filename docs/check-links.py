#!/usr/bin/env python3
"""Checks every relative link in README.md and docs/*.md: the file or folder
must exist, and a #fragment must name a heading of the target (GitHub's
anchor rules). Prints each broken link; exits 1 if there is one.
Run from anywhere: python3 docs/check-links.py"""
import glob, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
link = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')

def strip_code(text):
    text = re.sub(r'^```.*?^```', '', text, flags=re.S | re.M)
    return re.sub(r'`[^`\n]*`', '', text)

def anchors(path):
    seen, out = {}, set()
    with open(path) as f:
        text = re.sub(r'^```.*?^```', '', f.read(), flags=re.S | re.M)
    for m in re.finditer(r'^#{1,6}\s+(.*?)\s*#*\s*$', text, re.M):
        s = re.sub(r'[^\w\- ]', '', m.group(1).lower().replace('`', ''))
        s = s.replace(' ', '-')
        n = seen.get(s, 0)
        seen[s] = n + 1
        out.add(s if n == 0 else '%s-%d' % (s, n))
    return out

bad = 0
files = [os.path.join(root, 'README.md')] + sorted(glob.glob(os.path.join(root, 'docs', '*.md')))
for src in files:
    with open(src) as f:
        text = strip_code(f.read())
    for target in link.findall(text):
        if re.match(r'[a-z]+:', target):
            continue        # http:, https:, mailto:: not relative
        path, _, frag = target.partition('#')
        dest = os.path.normpath(os.path.join(os.path.dirname(src), path)) if path else src
        why = None
        if not dest.startswith(root + os.sep) and dest != root:
            why = 'points outside the repository'
        elif not os.path.exists(dest):
            why = 'no such file'
        elif frag and (not dest.endswith('.md') or frag not in anchors(dest)):
            why = 'no heading #' + frag
        if why:
            bad += 1
            print('%s: %s: %s' % (os.path.relpath(src, root), target, why))
print('%d files checked, %d broken links' % (len(files), bad))
sys.exit(1 if bad else 0)
