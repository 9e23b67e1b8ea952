#!/usr/bin/env bash
# Pre-subsets DejaVu Sans (regular and bold) to the Latin ranges the intake PDF needs, so the Worker
# embeds a small font without subsetting at run time (runtime subsetting costs ~40 ms per PDF).
# Needs fonttools (Debian: apt-get install -y python3-fonttools) and the DejaVu fonts
# (Debian: fonts-dejavu-core, /usr/share/fonts/truetype/dejavu/). Re-run after changing the ranges;
# the output is committed under assets/fonts/ with its licence (LICENSE-DejaVu.txt).
set -euo pipefail

SRC_DIR="${DEJAVU_DIR:-/usr/share/fonts/truetype/dejavu}"
OUT_DIR="$(cd "$(dirname "$0")/.." && pwd)/assets/fonts"

# Debian's python3-fonttools ships the library; the `pyftsubset` launcher is in the `fonttools`
# package. Run the module with the system Python (a pyenv/venv python may lack the library).
SUBSET=(/usr/bin/python3 -m fontTools.subset)
if ! /usr/bin/python3 -c 'import fontTools.subset' >/dev/null 2>&1; then
  echo "subset-font: fonttools missing, installing python3-fonttools…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-fonttools >&2
fi

if [ ! -f "$SRC_DIR/DejaVuSans.ttf" ]; then
  echo "subset-font: DejaVu Sans missing, installing fonts-dejavu-core…" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-dejavu-core >&2
fi

# Basic Latin, Latin-1 Supplement, Latin Extended-A (ĳ Ł ő č ř …), general punctuation (dashes,
# quotes, bullet, ellipsis, per mille, guillemets), the euro sign, the trade mark sign, arrows
# (→ in the case timeline) and U+FFFD as a visible stand-in.
UNICODES="U+0020-007E,U+00A0-00FF,U+0100-017F,U+0192,U+0218-021B,U+02C6,U+02C7,U+02D8-02DD,U+2010-2027,U+2030-203A,U+2044,U+20AC,U+2122,U+2190-2193,U+2212,U+FFFD"

for style in "" "-Bold"; do
  # No hinting (the PDF is printed and zoomed, not rendered at screen pixel sizes), no layout
  # tables (pdf-lib would otherwise substitute ligature glyphs whose text does not extract as typed).
  "${SUBSET[@]}" "$SRC_DIR/DejaVuSans$style.ttf" \
    --unicodes="$UNICODES" \
    --layout-features='' \
    --no-hinting \
    --desubroutinize \
    --name-IDs='*' \
    --name-languages='*' \
    --notdef-outline \
    --recommended-glyphs \
    --drop-tables+=FFTM,GSUB,GPOS,GDEF,kern \
    --output-file="$OUT_DIR/DejaVuSans-Latin$style.ttf"
done

ls -l "$OUT_DIR"/DejaVuSans-Latin*.ttf
