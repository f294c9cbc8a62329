#!/usr/bin/env python3
"""Validates a rootguard output against its JSON Schema in docs/schemas/ (jsonschema, Draft 2020-12, with formats).

    schema_validate.py SCHEMA.json OUTPUT [--lines]

--lines: OUTPUT is JSON lines, each validated on its own. Prints one line per problem; exits 1 on any.
"""
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker


def main():
    with open(sys.argv[1]) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    with open(sys.argv[2]) as f:
        text = f.read()
    documents = [json.loads(line) for line in text.splitlines() if line.strip()] if "--lines" in sys.argv else [json.loads(text)]
    problems = 0
    for index, document in enumerate(documents):
        for error in validator.iter_errors(document):
            print("document %d: %s: %s" % (index, "/".join(map(str, error.absolute_path)), error.message[:300]))
            problems += 1
    print("%d documents, %d problems" % (len(documents), problems), file=sys.stderr)
    return 1 if problems or not documents else 0


if __name__ == "__main__":
    sys.exit(main())
