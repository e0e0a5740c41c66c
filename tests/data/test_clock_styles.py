"""Clock style presets: the pinned old ones, the course's 25 viewpoints, the varied designs."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tunekit.clocktime import labels_to_minutes
from tunekit.data._clock_designs import (
    BROAD_DESIGNS,
    FACE_DESIGNS,
    LETTERED_DESIGNS,
    WIDE_DESIGNS,
    WIDE_FONTS,
    _ink_mask,
    design_atlas,
)
from tunekit.data._clock_hands import HAND_COLUMNS, HAND_RANGES, SECOND_INK, _hand_sizes
from tunekit.data._clock_plan import make_plan
from tunekit.data.clocks import STYLE_PRESETS, ClockStyle, clock_viewpoints, generate_clocks

# sha256 (first 16 hex digits) of images and labels of
# generate_clocks(16, image_size=64, seed=3, style=...) as committed studies made them. A change
# here means old studies can no longer be regenerated: add a style instead. (The renderer uses
# float32 numpy; a CPU whose SIMD rounds differently could change a pixel and this test.)
PINNED = {
    "easy": "28c0ebcf252c9514",
    "medium": "618cb8995b7ea34a",
    "full": "5a8ae1f5d737fb11",
    "varied": "e7b9094797c59205",
    "wide": "5bc8abfbe836009d",
    "broad": "3879de0d8d91a783",
    "assorted": "bdd63f5b7dd399c2",
    "lettered": "c15f83fa55351304",
}


def _digest(images: np.ndarray, labels: np.ndarray) -> str:
    return hashlib.sha256(images.tobytes() + labels.astype(np.int64).tobytes()).hexdigest()[:16]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_existing_presets_make_the_same_images_as_before(name: str) -> None:
    images, labels = generate_clocks(16, image_size=64, seed=3, style=STYLE_PRESETS[name])
    assert _digest(images, labels) == PINNED[name]


def test_other_streams_and_rotation_limits_of_full_are_pinned_too() -> None:
    full = STYLE_PRESETS["full"]
    stream = generate_clocks(16, image_size=64, seed=3, style=full, stream=2)
    assert _digest(*stream) == "56d33519a3582500"
    limited = generate_clocks(16, image_size=64, seed=3, style=replace(full, max_rotation=30.0))
    assert _digest(*limited) == "abb69515af530cc6"


# --- course: 720 times x 25 fixed viewpoints -------------------------------------------------

COURSE = STYLE_PRESETS["course"]


def test_course_set_holds_every_time_at_every_viewpoint_once() -> None:
    _, labels = generate_clocks(18_000, image_size=16, seed=1, style=COURSE)
    views = clock_viewpoints(18_000, seed=1, style=COURSE)
    assert sorted(set(views.tolist())) == list(range(25))
    pairs = labels_to_minutes(labels) * 25 + views
    assert len(np.unique(pairs)) == 18_000
    assert not (np.diff(views) >= 0).all()  # shuffled, not in viewpoint order


def test_smaller_course_sets_balance_times_and_viewpoints() -> None:
    n = 2000
    views = clock_viewpoints(n, seed=4, style=COURSE)
    minutes = labels_to_minutes(generate_clocks(n, image_size=16, seed=4, style=COURSE)[1])
    assert set(np.unique(np.bincount(minutes, minlength=720))) == {2, 3}
    counts = np.bincount(views, minlength=25)
    assert counts.max() - counts.min() <= 3 and counts.sum() == n
    # A time seen twice or three times is seen from as many viewpoints.
    assert len(np.unique(minutes * 25 + views)) == n


def test_course_images_of_one_viewpoint_share_the_scene() -> None:
    quiet = replace(COURSE, noise=False)
    images, _ = generate_clocks(300, image_size=32, seed=2, style=quiet)
    views = clock_viewpoints(300, seed=2, style=quiet)
    first = np.flatnonzero(views == views[0])
    other = np.flatnonzero(views != views[0])[0]
    a, b, c = (images[i].astype(int) for i in (first[0], first[1], other))
    # Same viewpoint, other time: only the hands move. Another viewpoint: the whole picture.
    assert (np.abs(a - b) > 8).mean() < 0.1
    assert (np.abs(a - c) > 8).mean() > 0.3


def test_course_viewpoints_are_fixed_per_seed_across_streams() -> None:
    plans = [make_plan(200, 24, seed=5, style=COURSE, stream=s) for s in (0, 1)]
    views = [clock_viewpoints(200, seed=5, style=COURSE, stream=s) for s in (0, 1)]
    assert not np.array_equal(views[0], views[1])
    for v in range(25):
        maps = [plan.to_atlas[view == v][0] for plan, view in zip(plans, views, strict=True)]
        np.testing.assert_array_equal(maps[0], maps[1])
    other_seed = make_plan(200, 24, seed=6, style=COURSE)
    assert not np.isin(other_seed.to_atlas[:, 0, 0], plans[0].to_atlas[:, 0, 0]).any()


def test_viewpoints_of_other_styles_are_one_per_image() -> None:
    np.testing.assert_array_equal(clock_viewpoints(7, style=STYLE_PRESETS["full"]), np.arange(7))
    with pytest.raises(ValueError, match="viewpoints"):
        ClockStyle(viewpoints=-1)


# --- varied: many clock designs ----------------------------------------------------------------

VARIED = STYLE_PRESETS["varied"]


def test_varied_is_deterministic_and_differs_from_full_with_the_same_labels() -> None:
    a_img, a_lab = generate_clocks(20, image_size=40, seed=9, style=VARIED)
    b_img, b_lab = generate_clocks(20, image_size=40, seed=9, style=VARIED, batch_size=3)
    np.testing.assert_array_equal(a_img, b_img)
    np.testing.assert_array_equal(a_lab, b_lab)
    full_img, full_lab = generate_clocks(20, image_size=40, seed=9, style=STYLE_PRESETS["full"])
    np.testing.assert_array_equal(a_lab, full_lab)  # designs only add draws
    assert np.abs(a_img.astype(int) - full_img).mean() > 10
    assert not np.array_equal(generate_clocks(20, image_size=40, seed=10, style=VARIED)[0], a_img)


def test_varied_draws_many_designs_and_hand_shapes() -> None:
    plan = make_plan(400, 32, seed=0, style=VARIED)
    assert len(np.unique(plan.frames)) == len(FACE_DESIGNS)
    assert plan.hands is not None and plan.hands.shape == (400, HAND_COLUMNS)
    assert 0.25 < (plan.hands[:, SECOND_INK] >= 0).mean() < 0.55  # seconds hands, sometimes
    assert {d.numerals for d in FACE_DESIGNS} == {"arabic", "roman", "quarters", "none"}
    assert any(d.light_hands for d in FACE_DESIGNS) and not all(d.light_hands for d in FACE_DESIGNS)
    # A dial of ticks alone always marks its 12, or it could not be read when turned.
    assert all(d.marker != "none" for d in FACE_DESIGNS if d.numerals == "none")


def test_wide_faces_vary_fonts_numerals_and_their_turn() -> None:
    assert WIDE_DESIGNS[: len(FACE_DESIGNS)] == FACE_DESIGNS  # the classic faces, and more
    assert {d.font for d in WIDE_DESIGNS} == set(WIDE_FONTS)
    roman = [d for d in WIDE_DESIGNS if d.numerals == "roman"]
    assert {d.radial for d in roman} == {True, False} and {d.four for d in roman} == {"IIII", "IV"}
    assert any(d.radial for d in WIDE_DESIGNS if d.numerals == "arabic")
    assert any(d.roman for d in WIDE_DESIGNS if d.numerals == "quarters")
    assert all(d.marker != "none" for d in WIDE_DESIGNS if d.numerals == "none")
    # Every face is drawn: no two are the same picture.
    atlas = design_atlas(32, "wide").reshape(len(WIDE_DESIGNS), -1)
    assert len(np.unique(atlas, axis=0)) == len(WIDE_DESIGNS)


def test_broad_faces_reshape_the_numerals_of_every_kind_of_face() -> None:
    assert BROAD_DESIGNS[: len(WIDE_DESIGNS)] == WIDE_DESIGNS  # the wide faces, and more
    added = BROAD_DESIGNS[len(WIDE_DESIGNS) :]
    assert {d.numerals for d in added} == {"arabic", "roman", "quarters", "none"}
    assert {d.font for d in added} == set(WIDE_FONTS)
    stretch = np.array([d.stretch for d in added])
    assert stretch.min() < 0.8 and stretch.max() > 1.3
    assert any(d.slant < -0.1 for d in added) and any(d.slant > 0.1 for d in added)
    assert any(d.stroke == 0 for d in added) and any(d.stroke > 0.01 for d in added)
    assert all(d.marker != "none" for d in added if d.numerals == "none")
    atlas = design_atlas(32, "broad").reshape(len(BROAD_DESIGNS), -1)
    assert len(np.unique(atlas, axis=0)) == len(BROAD_DESIGNS)


def test_lettered_faces_add_roman_faces_in_strokes_to_the_broad_ones() -> None:
    assert LETTERED_DESIGNS[: len(BROAD_DESIGNS)] == BROAD_DESIGNS
    added = LETTERED_DESIGNS[len(BROAD_DESIGNS) :]
    assert added and all(d.roman and d.letters is not None for d in added)
    assert {d.numerals for d in added} == {"roman", "quarters"}
    assert {d.radial for d in added} == {True, False}
    serifs = [d.letters.serif for d in added if d.letters is not None]
    assert min(serifs) == 0 and max(serifs) > 0.5
    atlas = design_atlas(32, "lettered").reshape(len(LETTERED_DESIGNS), -1)
    assert len(np.unique(atlas, axis=0)) == len(LETTERED_DESIGNS)


def test_stroked_numerals_replace_the_font_and_follow_their_letterforms() -> None:
    from tunekit.data._clock_letters import Letterforms

    roman = replace(FACE_DESIGNS[0], numerals="roman", radial=False, hour_ticks="none",
                    minute_ticks="none", marker="none")  # fmt: skip
    thin = Letterforms(weight=0.06, width=0.6, gap=0.1, serif=0.0)
    ink = {
        name: _ink_mask(300, replace(roman, **change))
        for name, change in {
            "font": {}, "thin": {"letters": thin},
            "heavy": {"letters": replace(thin, weight=0.18)},
            "serifs": {"letters": replace(thin, serif=0.6)},
            "other font": {"letters": thin, "font": WIDE_FONTS[1]},
        }.items()
    }  # fmt: skip
    assert not np.array_equal(ink["font"], ink["thin"])
    assert ink["heavy"].sum() > 1.5 * ink["thin"].sum()
    assert ink["serifs"].sum() > ink["thin"].sum()
    assert np.array_equal(ink["thin"], ink["other font"])  # strokes ignore the font
    # Arabic numerals keep the font.
    arabic = replace(roman, numerals="arabic")
    assert np.array_equal(_ink_mask(300, arabic), _ink_mask(300, replace(arabic, letters=thin)))


def test_strokes_draw_only_roman_letters() -> None:
    from PIL import Image, ImageDraw

    from tunekit.data._clock_letters import Letterforms, draw_stroked, text_width

    forms = Letterforms(weight=0.1, width=0.6, gap=0.1, serif=0.5)
    img = Image.new("L", (200, 100), 0)
    draw_stroked(ImageDraw.Draw(img), "XII", (100, 50), 40, forms)
    columns = np.flatnonzero(np.asarray(img).any(axis=0))
    assert abs((columns[-1] - columns[0]) - text_width("XII", forms) * 40) < 4
    with pytest.raises(ValueError, match="only I, V and X"):
        draw_stroked(ImageDraw.Draw(img), "XL", (100, 50), 40, forms)


@pytest.mark.parametrize("radial", [False, True])
def test_stretched_slanted_and_heavier_numerals_are_drawn_so(radial) -> None:
    plain = replace(FACE_DESIGNS[0], numerals="arabic", radial=radial, hour_ticks="none",
                    minute_ticks="none", marker="none", stroke=0.0)  # fmt: skip
    ink = {
        name: _ink_mask(300, replace(plain, **change)).sum()
        for name, change in {
            "plain": {}, "wider": {"stretch": 1.4}, "narrower": {"stretch": 0.7},
            "heavier": {"stroke": 0.015}, "slanted": {"slant": 0.3},
        }.items()
    }  # fmt: skip
    assert ink["narrower"] < 0.85 * ink["plain"] < 0.85 * ink["wider"]
    assert ink["heavier"] > 1.3 * ink["plain"]
    # A shear moves the strokes, not their amount.
    assert ink["slanted"] == pytest.approx(ink["plain"], rel=0.1)
    slanted = _ink_mask(300, replace(plain, slant=0.3))
    assert not np.allclose(slanted, _ink_mask(300, plain), atol=0.1)


def test_wide_draws_its_own_faces_with_varied_hands_and_labels() -> None:
    wide = STYLE_PRESETS["wide"]
    plan = make_plan(2000, 32, seed=0, style=wide)
    assert plan.faces == "wide" and len(np.unique(plan.frames)) == len(WIDE_DESIGNS)
    images, labels = generate_clocks(12, image_size=40, seed=9, style=wide)
    varied_images, varied_labels = generate_clocks(12, image_size=40, seed=9, style=VARIED)
    np.testing.assert_array_equal(labels, varied_labels)
    assert not np.array_equal(images, varied_images)
    np.testing.assert_array_equal(images, generate_clocks(12, image_size=40, seed=9, style=wide)[0])


def test_wide_hands_run_from_stubby_to_long_and_from_thin_lines_to_broad_bars() -> None:
    dial = np.full(4000, 0.8)
    sizes = {
        name: _hand_sizes(np.random.default_rng(0), dial, HAND_RANGES[name])
        for name in ("classic", "wide")
    }
    hour, minute, hour_w, minute_w = sizes["wide"]
    assert (hour / dial).min() < 0.36 and (hour / dial).max() > 0.62
    assert (sizes["classic"][0] / dial).min() >= 0.5  # the old range never drew a stub
    assert ((minute - hour) / dial).min() >= 0.15 - 1e-9  # always longer, visibly
    assert hour_w.min() < 0.009 < 0.025 <= sizes["classic"][2].min()
    assert hour_w.max() > 0.05 and (minute_w <= hour_w).all()


def test_assorted_changes_only_the_hands_of_broad() -> None:
    broad, assorted = STYLE_PRESETS["broad"], STYLE_PRESETS["assorted"]
    plan, wide_plan = (make_plan(50, 32, seed=4, style=s) for s in (broad, assorted))
    np.testing.assert_array_equal(plan.times, wide_plan.times)
    np.testing.assert_array_equal(plan.frames, wide_plan.frames)
    assert plan.hands is not None and wide_plan.hands is not None
    assert not np.allclose(plan.hands, wide_plan.hands)


@pytest.mark.parametrize(("field", "known"), [("faces", "classic, wide"), ("hands", "classic")])
def test_an_unknown_face_catalogue_or_hand_range_is_refused(field: str, known: str) -> None:
    with pytest.raises(ValueError, match=f"{field} must be one of {known}"):
        ClockStyle(designs=True, **{field: "gothic"})


# Directions from the centre, clockwise from 12, in (row, col) steps of an upright image.
_ARMS = {0: (-1, 0), 3: (0, 1), 6: (1, 0), 9: (0, -1)}


def _ink_by_direction(image: np.ndarray, radius: float) -> dict[int, float]:
    """How far the dial departs from its bare tone in the four quarter-hour directions.

    Samples 0.22-0.34 clock radii out: beyond every tail and cap, inside every numeral.
    """
    c = image.shape[0] / 2 - 0.5
    img = image.astype(float)

    def strip(dr: float, dc: float) -> np.ndarray:
        rows, cols = [], []
        for rho in np.linspace(0.22, 0.34, 5) * radius:
            for side in (-1, 0, 1):  # a 3-pixel-wide strip, to catch a thin hand
                rows.append(round(c + dr * rho - dc * side))
                cols.append(round(c + dc * rho + dr * side))
        return img[rows, cols].reshape(5, 3)

    diagonals = [(s1 * np.sqrt(0.5), s2 * np.sqrt(0.5)) for s1 in (-1, 1) for s2 in (-1, 1)]
    bare = np.median(np.concatenate([strip(*d).ravel() for d in diagonals]))
    return {
        hour: float(np.median(np.abs(strip(*arm) - bare).max(axis=1)))
        for hour, arm in _ARMS.items()
    }


@pytest.mark.parametrize(
    ("minute", "inked"), [(0, {0}), (180, {0, 3}), (360, {0, 6}), (540, {0, 9})]
)
def test_varied_hands_point_where_the_label_says(minute: int, inked: set[int]) -> None:
    flat = replace(
        VARIED,
        rotation=False,
        perspective=False,
        scale=False,
        glare=False,
        lighting=False,
        noise=False,
        wood=False,
    )
    size = 96
    images, labels = generate_clocks(4 * 720, image_size=size, seed=0, style=flat)
    picked = np.flatnonzero(labels_to_minutes(labels) == minute)
    assert len(picked) == 4
    radius = 0.85 * size / 2  # an unscaled clock's radius in pixels
    for i in picked:
        ink = _ink_by_direction(images[i], radius)
        strongest = max(ink.values())
        got = {hour for hour, value in ink.items() if value > 0.35 * strongest}
        assert strongest > 40 and got == inked, (i, ink)


def test_cli_offers_every_preset(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from tunekit.cli import app
    from tunekit.cli._app import ClockStyleName

    assert [name.value for name in ClockStyleName] == list(STYLE_PRESETS)
    sheet = tmp_path / "varied.png"
    args = ["clocks", "preview", "--style", "varied", "--n", "3", "--image-size", "24"]
    result = CliRunner().invoke(app, [*args, "--out", str(sheet)])
    assert result.exit_code == 0, result.output
    assert sheet.read_bytes()[:4] == b"\x89PNG"
