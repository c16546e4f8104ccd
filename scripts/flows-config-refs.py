#!/usr/bin/env python3
"""Issue 14: the nodes that use twin-economics / twin-maintenance-program reference them by a config
property (instead of those config nodes writing into the site). Changes only those non-UI nodes."""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else 'flows/flows.json'
with open(path, encoding='utf-8') as f:
    nodes = json.load(f)

def of_site(kind, site):
    return [n['id'] for n in nodes if n.get('type') == kind and n.get('site') == site]

USES = {'twin-api': ('economics', 'program'), 'twin-alerts': ('economics', 'program'), 'twin-maintenance': ('program',)}
KIND = {'economics': 'twin-economics', 'program': 'twin-maintenance-program'}
changed = []
for n in nodes:
    for prop in USES.get(n.get('type'), ()):
        if n.get(prop):
            continue
        ids = of_site(KIND[prop], n.get('site'))
        if len(ids) == 1:
            n[prop] = ids[0]
            changed.append(f"{n['id']}.{prop} = {ids[0]}")

with open(path, 'w', encoding='utf-8') as f:
    f.write(json.dumps(nodes, indent=4, ensure_ascii=False) + '\n')
print('\n'.join(changed) or 'nothing to change')
