"""Build step (named in setup.cfg, run by setuptools, never imported by the app).

The layout keeps `templates/` and `static/` at the top of the project, beside the package;
an installed app has only its package. Building a wheel copies both folders into it as
`governance/templates` and `governance/static`, where create_app looks first.
"""

import os
import shutil

from setuptools.command.build_py import build_py

ASSET_FOLDERS = ("templates", "static")


class BuildWithAssets(build_py):
    """build_py that also copies the top-level templates and static files into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        for folder in ASSET_FOLDERS:
            source = os.path.join(root, folder)
            target = os.path.join(self.build_lib, "governance", folder)
            if os.path.isdir(target):
                shutil.rmtree(target)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
