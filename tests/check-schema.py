#!/usr/bin/env python3
"""Validates vmtrace's JSON documents against the schemas in docs/schema/.

    tests/check-schema.py SCHEMA_DIR FILE_OR_DIR...

Each file holds one document, or several one a line (-j -I). A document names
its schema in its "schema" member ("vmtrace-report/1" is report.schema.json,
version 1); one without it, or naming a schema or version the directory does
not have, is invalid. Prints one line per invalid document and a last line,
"N documents: N valid, N invalid"; exits 1 when any is invalid or none was
found, 2 when jsonschema is missing (Debian: python3-jsonschema)."""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print('check-schema: no jsonschema module (apt-get install python3-jsonschema)',
          file=sys.stderr)
    sys.exit(2)


def load_schemas(folder):
    """{"vmtrace-report/1": validator, ...} from NAME.schema.json files."""
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith('.schema.json'):
            with open(os.path.join(folder, name)) as f:
                schema = json.load(f)
            version = schema['properties']['schema']['const']
            out[version] = jsonschema.Draft7Validator(schema)
    return out


def documents(path):
    """(where, text) of every document in a file: the whole, or each line."""
    with open(path, 'rb') as f:
        data = f.read().decode('utf-8')
    try:
        json.loads(data)
        yield path, data
        return
    except ValueError:
        pass
    for n, line in enumerate(data.splitlines(), 1):
        if line.strip():
            yield '%s:%d' % (path, n), line


def problem(validators, text):
    """Why a document is invalid, or None."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        return 'not JSON: %s' % e
    if not isinstance(doc, dict) or 'schema' not in doc:
        return 'no "schema" member'
    validator = validators.get(doc['schema'])
    if not validator:
        return 'unknown schema %r' % (doc['schema'],)
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error:
        where = '/'.join(str(p) for p in error.absolute_path) or 'the top level'
        return '%s: %s' % (where, error.message[:300])
    return None


def files(args):
    for arg in args:
        if os.path.isdir(arg):
            for name in sorted(os.listdir(arg)):
                yield os.path.join(arg, name)
        else:
            yield arg


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    validators = load_schemas(sys.argv[1])
    total = bad = 0
    for path in files(sys.argv[2:]):
        for where, text in documents(path):
            total += 1
            why = problem(validators, text)
            if why:
                bad += 1
                print('%s: %s' % (where, why))
    print('%d documents: %d valid, %d invalid' % (total, total - bad, bad))
    return 1 if bad or not total else 0


if __name__ == '__main__':
    sys.exit(main())
