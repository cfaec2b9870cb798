"""Make the nbgitpuller link that hands the collection out to a room: `python hub/link.py HUB_URL`.

Opening the link logs the attendee in, starts their server, pulls the repository into a folder of their home
(the first time a clone; later a merge that never overwrites what they changed), then opens the notebook.
"""

import argparse
from urllib.parse import urlencode

TARGET = "workshop"  # the folder in each attendee's home


def pull_link(hub_url: str, repo: str, branch: str = "main", notebook: str = "notebooks",
              target: str = TARGET) -> str:
    """The nbgitpuller link: `hub_url` is the hub's address, `repo` the repository's URL, `notebook` a path
    inside it (a notebook, or a folder) that JupyterLab opens once the pull is done."""
    if not hub_url.startswith(("http://", "https://")):
        raise ValueError(f"the hub's address should start with http:// or https://, got {hub_url!r}")
    query = urlencode({"repo": repo, "branch": branch, "targetpath": target,
                       "urlpath": f"lab/tree/{target}/{notebook.strip('/')}"})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("hub_url", help="the hub's address, e.g. https://hub.example.org")
    parser.add_argument("--repo", default="https://github.com/<github-user>/<repository>",
                        help="the repository to hand out (its https URL)")
    parser.add_argument("--branch", default="main")
    parser.add_argument("--open", default="notebooks", dest="notebook",
                        help="what JupyterLab opens, e.g. notebooks/01-gradient-basics.ipynb")
    args = parser.parse_args(argv)
    print(pull_link(args.hub_url, args.repo, args.branch, args.notebook))


if __name__ == "__main__":
    main()
