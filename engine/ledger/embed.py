#!/usr/bin/env python3
"""Turn a text file into a C string constant: embed.py NAME IN OUT."""
import sys

name, src, dst = sys.argv[1:4]
with open(src, encoding="utf-8") as f:
    text = f.read()
with open(dst, "w", encoding="utf-8") as out:
    out.write("/* generated from %s by embed.py: do not edit */\n" % src.split("/")[-1])
    out.write("extern const char %s[];\n" % name)
    out.write("const char %s[] =\n" % name)
    for line in text.splitlines():
        esc = line.replace("\\", "\\\\").replace('"', '\\"')
        out.write('\t"%s\\n"\n' % esc)
    out.write("\t;\n")
