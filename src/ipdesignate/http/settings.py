"""What the service is told at start: where the law is, limits, access. Never the token
on a command line: it comes from an environment variable or a file."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path as FsPath

from .._core.errors import IpdesignateError

TOKEN_ENV = "IPDESIGNATE_API_TOKEN"
TOKEN_FILE_ENV = "IPDESIGNATE_API_TOKEN_FILE"
SETTINGS_ENV = "IPDESIGNATE_SERVE_SETTINGS"  # how worker processes receive the settings

DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024
DEFAULT_MAX_BATCH = 1000


@dataclass(frozen=True)
class Settings:
    rulebooks: str | None = None
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_batch: int = DEFAULT_MAX_BATCH
    cors_origins: tuple[str, ...] = ()
    allow_reload: bool = False
    token_file: str | None = None
    # the token itself is never part of the settings' text (repr, env, logs)
    token: str | None = field(default=None, repr=False, compare=False)

    def to_env(self) -> str:
        data = asdict(self)
        data.pop("token")
        return json.dumps(data)

    @classmethod
    def from_env(cls, text: str) -> Settings:
        data = json.loads(text)
        data["cors_origins"] = tuple(data.get("cors_origins", ()))
        return cls(**data).with_token()

    def with_token(self) -> Settings:
        """The same settings, with the token read from ``token_file``, else
        ``$IPDESIGNATE_API_TOKEN_FILE``, else ``$IPDESIGNATE_API_TOKEN``."""
        token = read_token(self.token_file)
        if self.allow_reload and token is None:
            raise IpdesignateError("the reload endpoint needs an API token: set "
                                   f"{TOKEN_ENV} or {TOKEN_FILE_ENV} (or --token-file)")
        return Settings(**{**asdict(self), "cors_origins": self.cors_origins, "token": token})


def read_token(token_file: str | None) -> str | None:
    path = token_file or os.environ.get(TOKEN_FILE_ENV)
    if path:
        try:
            token = FsPath(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise IpdesignateError(f"cannot read the API token file {path}: "
                                   f"{exc.strerror or exc}") from None
        if not token:
            raise IpdesignateError(f"the API token file {path} is empty")
        return token
    token = os.environ.get(TOKEN_ENV, "").strip()
    return token or None
