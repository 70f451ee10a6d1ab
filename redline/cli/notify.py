"""`redline notify --test` and `redline card`: reaching people where they read.

Light at import: Apprise and Pillow load only when a command runs.
"""

from __future__ import annotations

from pathlib import Path

import click

from redline.errors import CannotWrite, ConfigProblem, Unavailable

from .context import load_config, query_db
from .options import config_option


@click.command()
@config_option
@click.option("--test", is_flag=True, help="Send one sample message to each target.")
@click.pass_context
def notify(ctx, test) -> None:
    """Send one sample message to each [[notify]] target and print what each answered.

    New changes are sent by `redline crawl` (and `ingest --follow`) at the end of each
    pass; this checks the targets. Exit 69 when any target did not accept the message.

    Example: redline notify --test
    """
    from redline.notify import send_test

    if not test:
        raise click.UsageError("give --test: changes are sent by `redline crawl` itself")
    config = load_config(ctx)
    if not config.notify:
        raise ConfigProblem(f"{config.path}: no [[notify]] table: add a target to send to")
    answers = send_test(config)
    for answer in answers:
        click.echo(f"{answer.target}: {answer.answer}")
    failed = [a.target for a in answers if not a.accepted]
    if failed:
        raise Unavailable(f"{len(failed)} of {len(answers)} target(s) did not accept the message")


@click.command()
@config_option
@click.argument("url")
@click.option("--from", "from_n", type=int, help="Older revision (default: the one before --to).")
@click.option("--to", "to_n", type=int, help="Newer revision (default: the latest).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The PNG file to write.")  # fmt: skip
@click.pass_context
def card(ctx, url, from_n, to_n, output) -> None:
    """The change as an image for social media (1200x675 PNG); prints its alt text.

    Example: redline card https://news.example/2026/11/story -o card.png
    """
    from redline.cards import change_for_card, make_card

    made = make_card(change_for_card(query_db(ctx), url, from_n, to_n))
    target = Path(output)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(made.png)
    except OSError as exc:
        raise CannotWrite(f"cannot write {target}: {exc.strerror}") from None
    click.echo(made.alt)


COMMANDS = (notify, card)
