"""A reply as plain data: what the Discord edge lays out as an embed and the console prints."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """A titled block of an embed."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class Attachment:
    """A file sent with the reply; `image` files are shown in the embed."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class Button:
    """A button under the reply; `custom_id` carries all its state."""

    label: str
    custom_id: str
    disabled: bool = False
    style: str = "secondary"


@dataclass
class Reply:
    """One message: an embed's parts, files, buttons, and whether only the caller sees it."""

    title: str = ""
    description: str = ""
    fields: list[Field] = field(default_factory=list)
    footer: str = ""
    image: Attachment | None = None
    files: list[Attachment] = field(default_factory=list)
    buttons: list[list[Button]] = field(default_factory=list)
    ephemeral: bool = False
    color: int = 0x5865F2
    run_id: int | None = None
    note: str = ""  # a line above the embed (Discord's message content), e.g. "picture coming"

    def as_text(self) -> str:
        """The reply as terminal text, for the console."""
        parts = [self.title] if self.title else []
        if self.description:
            parts.append(self.description)
        for f in self.fields:
            parts.append(f"{f.name}:\n{f.value}")
        if self.footer:
            parts.append(self.footer)
        return "\n\n".join(parts)
