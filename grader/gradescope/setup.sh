#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
# It installs Python, torch (CPU wheels: Gradescope has no GPU) and the grader
# into a virtual environment that run_autograder then uses. See README.md here.
#
# Overridable: GRADER_SOURCE_DIR (default: this script's folder), GRADER_VENV
# (default /autograder/venv), GRADER_TORCH_INDEX (default: PyTorch's CPU wheel
# index; set it empty to take torch from PyPI like everything else).
set -euxo pipefail

SOURCE="${GRADER_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
VENV="${GRADER_VENV:-/autograder/venv}"
TORCH_INDEX="${GRADER_TORCH_INDEX-https://download.pytorch.org/whl/cpu}"

if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends python3 python3-venv python3-pip
fi

python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install --upgrade pip
if [ -n "$TORCH_INDEX" ]; then
  "$VENV/bin/python" -m pip install torch torchvision --index-url "$TORCH_INDEX"
fi
"$VENV/bin/python" -m pip install -e "$SOURCE"
"$VENV/bin/python" -c "import torch, grader.tools.cli; print('torch', torch.__version__)"
