#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""What a nest-report --help text offers, for the tests that hold the man
pages and the shell completions to it (so they cannot drift).

usage: help-options.py options < HELP   every option, one per line: those
                                        of the option lines ("  -x, --long
                                        ARG  what it does") and of the usage
                                        line
       help-options.py commands < HELP  the command names of the top-level
                                        help's "commands:" list
       help-options.py mantags PAGE     the options a man page documents
                                        with an entry of its own (the tag
                                        lines of its .TP paragraphs)
"""
import re
import sys


LONG = r"--[a-z][a-z0-9-]*"
SHORT = r"-[A-Za-z]"


def options(text):
    found = set()
    for line in text.splitlines():
        m = re.match(r"^\s{1,8}(%s)(?:,\s+(%s))?\b" % (SHORT + "|" + LONG, LONG), line)
        if m:
            found.update(g for g in m.groups() if g)
        elif line.startswith("usage:"):
            found.update(re.findall(r"(?<![\w-])(%s|%s)(?![\w])" % (LONG, SHORT), line))
    return found


def mantags(path):
    """Options named in the tag line of each .TP paragraph, roff undone."""
    found, lines = set(), open(path, encoding="utf-8").read().splitlines()
    for i, line in enumerate(lines[:-1]):
        if line.startswith(".TP"):
            tag = re.sub(r"\\f[BIRP]|\\c$|\\&", "", lines[i + 1].replace("\\-", "-"))
            found.update(re.findall(r"(?<![\w-])(%s|%s)(?![\w-])" % (LONG, SHORT), tag))
    return found


def commands(text):
    names, inside = [], False
    for line in text.splitlines():
        if line.strip() == "commands:":
            inside = True
        elif inside and re.match(r"^  [a-z][a-z0-9-]*\s{2,}", line):
            names.append(line.split()[0])
        elif inside and line.strip():
            break
    return names


def main():
    if sys.argv[1:2] == ["mantags"] and len(sys.argv) == 3:
        got = sorted(mantags(sys.argv[2]))
    elif len(sys.argv) == 2 and sys.argv[1] in ("options", "commands"):
        text = sys.stdin.read()
        got = sorted(options(text)) if sys.argv[1] == "options" else commands(text)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print("\n".join(got))
    return 0 if got else 1


if __name__ == "__main__":
    sys.exit(main())
