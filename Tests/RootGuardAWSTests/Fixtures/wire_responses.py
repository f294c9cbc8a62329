#!/usr/bin/env python3
"""AWS responses in each service's own wire format, generated from botocore's service model.

  python3 wire_responses.py SERVICE:OPERATION[:PROTOCOL] …

PROTOCOL is the one the client speaks (of the model's `protocols`; default: the model's `protocol`).

For every operation, two responses of its output shape: `present` (every member set, lists and maps with two and one
entries, structures nested DEPTH deep) and `absent` (no optional member). Prints one JSON line per response:
{"service", "operation", "variant", "status", "headers": [[name, value]…], "body": base64}. Members are written
where the protocol puts them: query and rest-xml as XML elements (locationName, flattened lists and maps, the
result wrapper), json and rest-json as JSON keys, header-bound members as headers, a payload member as the body.
Timestamps use the member's timestampFormat or the protocol's default.
"""
import base64
import datetime
import json
import sys
from xml.sax.saxutils import escape

import botocore.session

DEPTH = 5
WHEN = datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


class Writer:
    def __init__(self, model, protocol=None):
        self.model = model
        self.protocol = protocol or model.metadata.get("protocol")
        if self.protocol == "ec2":
            self.protocol = "query"

    def timestamp(self, shape, json_body):
        fmt = shape.serialization.get("timestampFormat") or ("unixTimestamp" if json_body else "iso8601")
        if fmt == "unixTimestamp":
            return int(WHEN.timestamp())
        if fmt == "rfc822":
            return WHEN.strftime("%a, %d %b %Y %H:%M:%S GMT")
        return WHEN.strftime("%Y-%m-%dT%H:%M:%SZ")

    def scalar(self, shape):
        kind = shape.type_name
        if kind == "string":
            return shape.enum[0] if shape.enum else "text-value"
        if kind in ("integer", "long"):
            return 7
        if kind in ("double", "float"):
            return 1.5
        if kind == "boolean":
            return True
        if kind == "blob":
            return base64.b64encode(b"blob").decode()
        raise ValueError(kind)

    # ----- JSON -----

    def json_value(self, shape, depth):
        kind = shape.type_name
        if kind == "structure":
            if depth >= DEPTH:
                return None
            out = {}
            for name, member in shape.members.items():
                if member.serialization.get("location"):
                    continue
                value = self.json_value(member, depth + 1)
                if value is not None:
                    out[member.serialization.get("name", name)] = value
            return out
        if kind == "list":
            item = self.json_value(shape.member, depth)
            return None if item is None else [item, item]
        if kind == "map":
            value = self.json_value(shape.value, depth)
            return None if value is None else {"key-one": value}
        if kind == "timestamp":
            return self.timestamp(shape, True)
        return self.scalar(shape)

    # ----- XML -----

    def xml_value(self, shape, depth):
        """The inner XML of a value, or None past the depth."""
        kind = shape.type_name
        if kind == "structure":
            if depth >= DEPTH:
                return None
            parts = []
            for name, member in shape.members.items():
                if member.serialization.get("location"):
                    continue
                if member.serialization.get("xmlAttribute"):
                    continue
                parts.append(self.xml_member(member.serialization.get("name", name), member, depth + 1))
            return "".join(p for p in parts if p)
        if kind == "timestamp":
            return escape(str(self.timestamp(shape, False)))
        if kind == "boolean":
            return "true"
        return escape(str(self.scalar(shape)))

    def xml_member(self, name, shape, depth):
        kind = shape.type_name
        if kind == "list":
            item = self.xml_value(shape.member, depth)
            if item is None:
                return ""
            if shape.serialization.get("flattened"):
                element = shape.member.serialization.get("name", name)
                return f"<{name}>{item}</{name}><{name}>{item}</{name}>" if element == name else \
                    f"<{element}>{item}</{element}><{element}>{item}</{element}>"
            element = shape.member.serialization.get("name", "member")
            return f"<{name}><{element}>{item}</{element}><{element}>{item}</{element}></{name}>"
        if kind == "map":
            value = self.xml_value(shape.value, depth)
            if value is None:
                return ""
            key_name = shape.key.serialization.get("name", "key")
            value_name = shape.value.serialization.get("name", "value")
            entry = f"<{key_name}>key-one</{key_name}><{value_name}>{value}</{value_name}>"
            if shape.serialization.get("flattened"):
                return f"<{name}>{entry}</{name}>"
            return f"<{name}><entry>{entry}</entry></{name}>"
        inner = self.xml_value(shape, depth)
        if inner is None:
            return ""
        return f"<{name}>{inner}</{name}>"

    # ----- a response -----

    def response(self, operation, present):
        shape = operation.output_shape
        headers = []
        payload_name = shape.serialization.get("payload") if shape is not None else None
        if shape is not None and present:
            for name, member in shape.members.items():
                location = member.serialization.get("location")
                wire = member.serialization.get("name", name)
                if location == "header":
                    if member.type_name == "timestamp":
                        value = WHEN.strftime("%a, %d %b %Y %H:%M:%S GMT")
                    elif member.type_name in ("list", "map"):
                        continue
                    else:
                        value = self.scalar(member)
                        value = "true" if value is True else str(value)
                    headers.append([wire, value])
                elif location == "headers":
                    headers.append([wire + "suffix", "prefixed"])
        if shape is not None and payload_name:
            member = shape.members[payload_name]
            if member.type_name in ("string", "blob"):
                body = b"payload-text" if present else b""
                return headers, body
        if self.protocol in ("json", "rest-json"):
            body = json.dumps(self.json_value(shape, 0) if shape is not None and present else {}).encode()
            return headers, body
        inner = self.xml_value(shape, 0) if shape is not None and present else ""
        if self.protocol == "query":
            namespace = self.model.metadata.get("xmlNamespace", "https://example.com/doc/")
            result = operation.output_shape.serialization.get("resultWrapper") or f"{operation.name}Result"
            body = (f'<{operation.name}Response xmlns="{namespace}"><{result}>{inner}</{result}>'
                    f"<ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{operation.name}Response>")
            return headers, body.encode()
        root = shape.serialization.get("name", operation.name + "Result") if shape is not None else "Result"
        return headers, f"<{root}>{inner}</{root}>".encode()


def main():
    session = botocore.session.get_session()
    loader = session.get_component("data_loader")
    models = {}
    for argument in sys.argv[1:]:
        service, name, *rest = argument.split(":")
        if service not in models:
            from botocore.model import ServiceModel

            models[service] = ServiceModel(loader.load_service_model(service, "service-2"), service_name=service)
        model = models[service]
        operation = model.operation_model(name)
        writer = Writer(model, rest[0] if rest else None)
        for variant, present in (("present", True), ("absent", False)):
            headers, body = writer.response(operation, present)
            print(json.dumps({
                "service": service, "operation": name, "variant": variant, "status": 200, "headers": headers,
                "body": base64.b64encode(body).decode(),
            }))


if __name__ == "__main__":
    main()
