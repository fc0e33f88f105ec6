"""A student's notebook is untrusted: disarm the HTML it could carry into formgrader and feedback.

nbgrader renders the autograded notebooks in formgrader (the instructor's browser, logged in
to a Jupyter server that runs code) and in the feedback, with the raw HTML of Markdown cells
and the rich outputs as they are: a ``<script>`` or ``<img onerror=…>`` in an answer would run
there. ``DisarmHTML`` runs when ``nbgrader autograde`` copies a submission (see
nbgrader_config.py), after nbgrader has restored its own cells:

- in Markdown and raw cells, every ``<`` that could open a tag becomes ``&lt;`` (the text
  still reads the same; arrows such as ``-->`` or ``<-`` are left alone);
- outputs keep only plain text and PNG/JPEG/GIF images (the figures), without metadata;
- attachments keep only such images, as base64.
"""

from __future__ import annotations

import re

from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
IMAGES = ("image/png", "image/jpeg", "image/gif")
SAFE_OUTPUTS = ("text/plain", *IMAGES)
BASE64 = re.compile(r"[A-Za-z0-9+/=\s]*")


def disarm(text: str) -> str:
    return TAG_START.sub("&lt;", text)


def safe_images(bundle) -> dict:
    return {mime: data for mime, data in (bundle.items() if isinstance(bundle, dict) else ())
            if mime in IMAGES and isinstance(data, str) and BASE64.fullmatch(data)}


class DisarmHTML(NbGraderPreprocessor):
    """Neutralise a submission's HTML before nbgrader stores and renders it."""

    def preprocess_cell(self, cell: NotebookNode, resources: ResourcesDict,
                        index: int) -> tuple[NotebookNode, ResourcesDict]:
        if cell.cell_type in ("markdown", "raw"):
            cell.source = disarm(cell.source)
            if "attachments" in cell:
                cell.attachments = NotebookNode({name: NotebookNode(safe_images(bundle))
                                                 for name, bundle in cell.attachments.items()})
        for output in cell.get("outputs", []):
            if "data" in output:
                output.data = NotebookNode({mime: value for mime, value in output.data.items()
                                            if mime in SAFE_OUTPUTS})
                output.metadata = NotebookNode()
        return cell, resources
