#!/bin/sh
# Copies the project's fixtures into fuzz/corpus/<target>/ as seed corpora (corpus/ is not in git).
set -eu
cd "$(dirname "$0")"
fixtures=../tests/fixtures
mkdir -p corpus/feed_parse corpus/page_rules corpus/html_render corpus/charset_detect corpus/config_load
# The targets read a selector byte first; prefix each seed with 0 (no Content-Type / width 0).
seed() { printf '\000' | cat - "$1" > "$2"; }
for f in "$fixtures"/feeds/*; do seed "$f" "corpus/feed_parse/$(basename "$f")"; done
for f in "$fixtures"/feeds/* "$fixtures"/pages/*; do seed "$f" "corpus/charset_detect/$(basename "$f")"; done
for f in "$fixtures"/pages/*; do cp "$f" "corpus/page_rules/$(basename "$f")"; done
for f in "$fixtures"/pages/* "$fixtures"/feeds/*.html; do
  printf 'P' | cat - "$f" > "corpus/html_render/$(basename "$f")"
done
for f in "$fixtures"/import/*; do cp "$f" "corpus/config_load/$(basename "$f")"; done
for f in ../assets/presets/*.toml; do cp "$f" "corpus/config_load/preset-$(basename "$f")"; done
[ -f ../README.md ] && sed -n '/```toml/,/```/p' ../README.md | grep -v '```' > corpus/config_load/readme.toml || true
echo "seeded: $(ls corpus/*/ | wc -l) files"
