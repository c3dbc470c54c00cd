"""discord.py views for the rendered buttons; clicks arrive as dynamic items, by custom_id.

The buttons keep their state in the custom_id (bot.platforms.discord.custom_ids), so a
click works on any message, after a restart too, and no view lingers in memory: views are
built already stopped, and `DynamicItem` templates dispatch the clicks.
"""

from __future__ import annotations

import re
from typing import Any, Protocol, cast

import discord

from bot.platforms.discord.custom_ids import PAGE_PREFIX, SHARE_ID
from bot.platforms.discord.render import BUTTON, PRIMARY, ButtonSpec

Button = discord.ui.Button[discord.ui.View]


class ButtonHandler(Protocol):
    """What answers the clicks (bot.platforms.discord.answers.Answers)."""

    async def turn_page(self, interaction: discord.Interaction, custom_id: str) -> None: ...

    async def share(self, interaction: discord.Interaction) -> None: ...


def handler_of(client: discord.Client) -> ButtonHandler:
    handler = getattr(client, "button_handler", None)
    if handler is None:
        raise RuntimeError("this client has no button handler")
    return cast(ButtonHandler, handler)


def _style(style: int) -> discord.ButtonStyle:
    return discord.ButtonStyle.primary if style == PRIMARY else discord.ButtonStyle.secondary


class PageButton(
    discord.ui.DynamicItem[Button], template=re.compile(re.escape(PAGE_PREFIX) + ".+", re.DOTALL)
):
    """Previous/Next: re-runs the command line its custom_id carries, in place."""

    def __init__(self, spec: ButtonSpec) -> None:
        super().__init__(
            discord.ui.Button(
                label=spec.label,
                custom_id=spec.custom_id,
                style=_style(spec.style),
                disabled=spec.disabled,
            )
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        label = getattr(item, "label", None) or ""
        return cls(ButtonSpec(label=label, custom_id=match.group(0)))

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction.client).turn_page(interaction, self.custom_id)


class ShareButton(discord.ui.DynamicItem[Button], template=re.compile(re.escape(SHARE_ID))):
    """Share: posts the ephemeral answer it sits under to the channel, for everyone."""

    def __init__(self, spec: ButtonSpec) -> None:
        super().__init__(
            discord.ui.Button(label=spec.label, custom_id=spec.custom_id, style=_style(spec.style))
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ShareButton:
        label = getattr(item, "label", None) or ""
        return cls(ButtonSpec(label=label, custom_id=SHARE_ID, style=PRIMARY))

    async def callback(self, interaction: discord.Interaction) -> None:
        await handler_of(interaction.client).share(interaction)


def specs_from_components(components: list[dict[str, Any]]) -> list[ButtonSpec]:
    """Button specs back from rendered component dicts (action rows of buttons)."""
    return [
        ButtonSpec(
            label=str(button.get("label", "")),
            custom_id=str(button["custom_id"]),
            style=int(button.get("style", 2)),
            disabled=bool(button.get("disabled", False)),
        )
        for row in components
        for button in row.get("components", [])
        if button.get("type") == BUTTON and "custom_id" in button
    ]


def specs_from_message(message: discord.Message | None) -> list[ButtonSpec]:
    """The buttons a message carries, as sent (labels, custom_ids, styles)."""
    if message is None:
        return []
    specs = []
    for row in message.components:
        for child in getattr(row, "children", []):
            if isinstance(child, discord.Button) and child.custom_id:
                specs.append(
                    ButtonSpec(
                        label=child.label or "",
                        custom_id=child.custom_id,
                        style=child.style.value,
                        disabled=child.disabled,
                    )
                )
    return specs


def build_view(specs: list[ButtonSpec]) -> discord.ui.View | None:
    """A view for sending: already stopped, so discord.py keeps nothing per message."""
    if not specs:
        return None
    view = discord.ui.View(timeout=None)
    for spec in specs:
        if spec.custom_id == SHARE_ID:
            view.add_item(ShareButton(spec))
        elif spec.custom_id.startswith(PAGE_PREFIX):
            view.add_item(PageButton(spec))
        else:  # a disabled placeholder: rendered, never dispatched
            view.add_item(
                discord.ui.Button(
                    label=spec.label,
                    custom_id=spec.custom_id,
                    style=_style(spec.style),
                    disabled=True,
                )
            )
    view.stop()
    return view
