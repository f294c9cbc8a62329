#!/usr/bin/env python3
"""Validates OCSF events (a JSON array) with two independent consumers; prints one line per problem, exits 1 on any.

    ocsf_validate.py EVENTS.json

1. The OCSF 1.6.0 JSON Schema of each event's class with the cloud profile (ocsf-json-schema, from the official schema
   export), checked with jsonschema's Draft 2020-12 validator and its format checker.
2. py-ocsf-models (the pydantic models Prowler writes OCSF with): ComplianceFinding (2003), DetectionFinding (2004).
"""
import json
import sys

from jsonschema import Draft202012Validator, FormatChecker
from ocsf_json_schema import OcsfJsonSchemaEmbedded, get_ocsf_schema
from py_ocsf_models.events.findings.compliance_finding import ComplianceFinding
from py_ocsf_models.events.findings.detection_finding import DetectionFinding

CLASSES = {2003: ("compliance_finding", ComplianceFinding), 2004: ("detection_finding", DetectionFinding)}


def main():
    schema = OcsfJsonSchemaEmbedded(get_ocsf_schema("1.6.0"))
    with open(sys.argv[1]) as f:
        events = json.load(f)
    validators = {}
    problems = 0
    for index, event in enumerate(events):
        uid = event.get("class_uid")
        if uid not in CLASSES:
            print("event %d: class_uid %r is neither 2003 nor 2004" % (index, uid))
            problems += 1
            continue
        name, model = CLASSES[uid]
        if name not in validators:
            validators[name] = Draft202012Validator(schema.get_class_schema(name, ["cloud"]),
                                                    format_checker=FormatChecker())
        for error in validators[name].iter_errors(event):
            print("event %d: schema: %s: %s" % (index, "/".join(map(str, error.absolute_path)), error.message[:200]))
            problems += 1
        try:
            model.model_validate(event)
        except Exception as failure:  # pydantic.ValidationError
            for error in failure.errors():
                print("event %d: py-ocsf-models: %s: %s" % (index, "/".join(map(str, error["loc"])), error["msg"]))
                problems += 1
    print("%d events, %d problems" % (len(events), problems), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
