"""Running one command for a test: in a session of its own, with an environment given whole,
killed with its whole process group on timeout or interruption; its result and how to show it.

:func:`run_in_session` serves terraform (:func:`harness.run_terraform`, terraform chrooted into
an :class:`empty_root.EmptyRoot`) and make (:func:`make_targets.run_make`); :class:`CommandResult`
is what they return (``harness.TerraformResult`` is the same class).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Sequence

# --- results --------------------------------------------------------------------------------------


class CommandResult(tuple):
    """``(returncode, stdout, stderr)`` of one run, plus helpers.

    Unpacks like a 3-tuple: ``rc, out, err = workdir.apply()``.
    """

    command: List[str]

    def __new__(cls, returncode: int, stdout: str, stderr: str,
                command: Sequence[str] = ()) -> "CommandResult":
        self = super().__new__(cls, (returncode, stdout, stderr))
        self.command = [str(part) for part in command]
        return self

    @property
    def returncode(self) -> int:
        return self[0]

    @property
    def stdout(self) -> str:
        return self[1]

    @property
    def stderr(self) -> str:
        return self[2]

    @property
    def ok(self) -> bool:
        return self[0] == 0

    @property
    def output(self) -> str:
        """stdout and stderr, concatenated."""
        return f"{self[1]}\n{self[2]}"

    @property
    def text(self) -> str:
        """:func:`normalize_output` of stdout+stderr: diagnostics unwrapped onto single lines."""
        return normalize_output(self.output)

    def json(self) -> Any:
        """stdout parsed as JSON (None when stdout is blank)."""
        return json.loads(self[1]) if self[1].strip() else None

    def describe(self) -> str:
        """For assertion messages: the command, exit status and both streams."""
        return (f"$ {' '.join(self.command)}  -> exit {self[0]}\n"
                f"--- stdout ---\n{self[1]}\n--- stderr ---\n{self[2]}")

    @classmethod
    def of(cls, completed: subprocess.CompletedProcess) -> "CommandResult":
        """The result of a :func:`subprocess.run` with text output captured."""
        return cls(completed.returncode, completed.stdout or "", completed.stderr or "",
                   completed.args)


class CommandTimeout(AssertionError):
    pass


_BOX_PREFIX = re.compile(r"^\s*[│╷╵]\s?", re.MULTILINE)
_SPACES = re.compile(r"\s+")


def normalize_output(text: str) -> str:
    """Undoes terraform's diagnostic layout for substring assertions.

    Terraform word-wraps diagnostic details at ~78 columns (only at spaces) and prefixes each line
    with a box character. This strips those prefixes and collapses all whitespace (newlines
    included) to single spaces, so a phrase split over two lines matches again. Tokens without
    spaces (URLs, request IDs, addresses) are never split by terraform."""
    return _SPACES.sub(" ", _BOX_PREFIX.sub("", text)).strip()


# --- environments ---------------------------------------------------------------------------------

def with_overrides(env: Dict[str, str],
                   extra: Optional[Mapping[str, Optional[str]]] = None) -> Dict[str, str]:
    """``env`` updated with ``extra`` (values as strings; a None value removes the key)."""
    for key, value in (extra or {}).items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


# --- running --------------------------------------------------------------------------------------

def kill_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def run_in_session(command: Sequence[str], *, env: Mapping[str, str], timeout: float,
                   cwd: Optional[Path | str] = None, capture: bool = True,
                   label: Optional[str] = None) -> CommandResult:
    """Runs ``command`` in ``cwd`` with exactly ``env``; stdin is /dev/null.

    With ``capture`` the output is returned; without, it goes to this process's stdout/stderr
    and the result's streams are empty. The process runs in its own session; on timeout (raises
    :class:`CommandTimeout` with the output so far, naming the run ``label``, by default the
    command) or KeyboardInterrupt the whole group is killed, and any process of the group left
    behind after a normal exit is killed too."""
    pipe = subprocess.PIPE if capture else None
    proc = subprocess.Popen(list(command), cwd=None if cwd is None else str(cwd), env=dict(env),
                            stdin=subprocess.DEVNULL, stdout=pipe, stderr=pipe, text=True,
                            encoding="utf-8", errors="replace", start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid, signal.SIGKILL)
        stdout, stderr = proc.communicate()
        raise CommandTimeout(
            f"{label or ' '.join(command)} did not finish within {timeout:.0f} s\n"
            + CommandResult(-9, stdout or "", stderr or "", command).describe())
    except BaseException:
        kill_group(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        kill_group(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    kill_group(proc.pid, signal.SIGKILL)  # Stragglers of the session, if any.
    return CommandResult(proc.returncode, stdout or "", stderr or "", command)
