"""Test oracle: renders chat templates with Python jinja2 exactly as Hugging Face transformers does.

Reads a JSON list of cases {"template": str, "context": dict, "now": optional ISO datetime} from stdin and writes a
JSON list of results: {"output": str} or {"error": exception class name, "message": str, "raised": bool,
"lineno": int or null}; "raised" marks errors the template raised itself with raise_exception.
"""
import json
import sys
from datetime import datetime

import jinja2
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment


class RaisedByTemplate(jinja2.exceptions.TemplateError):
    """What raise_exception raises here, so the oracle can tell it apart from jinja2's own errors."""


class Generation(Extension):
    """HF's AssistantTracker tag {% generation %}...{% endgeneration %}, without the tracking."""
    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return jinja2.nodes.CallBlock(self.call_method("_render"), [], [], body).set_lineno(lineno)

    def _render(self, caller):
        return caller()


def render(case):
    now = datetime.fromisoformat(case["now"]) if case.get("now") else None

    def raise_exception(message):
        raise RaisedByTemplate(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return (now or datetime.now()).strftime(format)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    try:
        return {"output": env.from_string(case["template"]).render(**case["context"])}
    except Exception as e:  # every failure is a result to compare
        return {"error": type(e).__name__, "message": str(e), "raised": isinstance(e, RaisedByTemplate),
                "lineno": getattr(e, "lineno", None)}


def main():
    cases = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    out = json.dumps([render(c) for c in cases], ensure_ascii=True)
    sys.stdout.write(out)


if __name__ == "__main__":
    main()
