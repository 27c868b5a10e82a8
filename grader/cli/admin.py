"""Commands about the grader itself: what isolation this machine offers."""

from __future__ import annotations

import click

from .options import course, course_option, open_pool


@click.command()
@click.option("--unsafe", is_flag=True, help="Start a worker even where the sandbox is incomplete.")
@course_option
@click.pass_context
def doctor(ctx: click.Context, unsafe: bool) -> None:
    """Start a sandboxed worker and print the isolation it gets here.

    Exit status 1 when a required layer is missing (grading would be refused).

    Example: grader doctor
    """
    from ..sandbox import isolation

    host = isolation.detect()
    click.echo(f"bubblewrap:        {host.bwrap or 'NOT usable (install the bubblewrap package)'}")
    click.echo(f"uid per slot:      {'yes' if host.slot_uids else 'no (the grader is not root)'}")
    with open_pool(course(ctx), 1, unsafe=True) as pool:
        layers = pool.isolation(())
    click.echo(f"in force:          {layers.summary()}")
    if layers.missing and not unsafe:
        ctx.exit(1)
