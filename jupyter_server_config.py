# JupyterLab started in this folder (`make lab`): notebooks under notebooks/ are saved without
# outputs, as git keeps them, so running and saving a notebook leaves `git status` clean.
# See lib/reviewkit/labhooks.py. Executed copies with outputs are in outputs/<cycle>/notebooks/.
from reviewkit.labhooks import strip_on_save

c.ContentsManager.pre_save_hook = strip_on_save  # noqa: F821 - `c` is Jupyter's config object
