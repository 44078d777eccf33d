"""The first day at small sizes: axe-core at 320 px, no page that scrolls sideways, the compact menu by keyboard,
and screenshots at 1280 and 390 px (GOVERNANCE_SCREENSHOTS=1 writes them into docs/screenshots)."""

import pytest

SECRETARIAT = "secretariaat@g32.example"
BOARD_WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
NARROW = {"width": 320, "height": 700}
# What sticks out on the right, named for the failure message.
WIDE = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1
  && !e.closest('.table-scroll') && !e.closest('details')).slice(0, 6)
  .map(e => e.tagName + '.' + e.className + '#' + e.id)"""


@pytest.fixture
def demo_people(demo):
    board = next(email for email in demo if email.startswith("bestuur."))
    return {"secretariat": SECRETARIAT, "board": board, "daily": "db@g32.example"}


def page_width_fits(page) -> bool:
    """Nothing makes the whole page wider than the screen (tables scroll inside their own box)."""
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize(
    ("who", "path"),
    [
        ("secretariat", "/cities?status=all"),
        ("secretariat", "/charts/dashboard"),
        ("secretariat", "/accounts"),
        ("secretariat", "/applications/1"),
        ("board", "/cities"),
        ("board", "/polls"),
        (None, "/accessibility"),
        (None, "/login"),
    ],
)
def test_at_320_px_pages_pass_axe_and_do_not_scroll_sideways(new_context, demo_people, log_in, axe, who, path):
    page = new_context(axe=True, viewport=NARROW).new_page()
    if who:
        log_in(page, demo_people[who])
    page.goto(path)
    assert page_width_fits(page), (
        f"{path} scrolls sideways at 320 px: "
        + str(page.evaluate("() => [document.documentElement.scrollWidth, innerWidth]"))
        + str(page.evaluate(WIDE))
    )
    axe(page, f"{path} at 320 px")


def test_the_compact_menu_opens_and_closes_by_keyboard(new_context, demo_people, log_in):
    page = new_context(viewport=BOARD_WIDTHS["phone"]).new_page()
    log_in(page, demo_people["secretariat"])
    summary = page.locator("details.header-menu > summary")
    assert summary.is_visible() and not page.locator(".menu-panel").is_visible()
    header_height = page.locator(".site-header").bounding_box()["height"]
    assert header_height < 70, f"the phone header is {header_height} px high"
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator(".menu-panel").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator(".menu-panel").is_visible()
    wide = new_context(viewport=BOARD_WIDTHS["desktop"]).new_page()
    log_in(wide, demo_people["secretariat"])
    assert wide.locator(".menu-panel").is_visible() and not wide.locator("details.header-menu > summary").is_visible()


def test_a_flash_message_is_put_into_the_live_region_after_load(new_context, demo_people, log_in):
    page = new_context().new_page()
    log_in(page, demo_people["secretariat"])
    page.goto("/applications/1")
    with page.expect_navigation():
        page.click("form[action$='/withdraw'] button")
    flashed = page.locator("[data-announce]").all_inner_texts()
    assert flashed, "withdrawing flashes a message"
    region = page.locator("#announce-status")
    page.wait_for_function("() => document.getElementById('announce-status').textContent.length > 0")
    assert all(message.strip() in region.inner_text() for message in flashed)


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_screenshots_of_the_first_day(new_context, demo_people, log_in, screenshot, size):
    viewport = BOARD_WIDTHS[size]
    secretariat = new_context(viewport=viewport).new_page()
    log_in(secretariat, demo_people["secretariat"])
    for name, path in [
        ("members-all", "/cities?status=all"),
        ("application", "/applications/1"),
        ("city-form", "/cities/new"),
        ("accessibility", "/accessibility"),
    ]:
        secretariat.goto(path)
        assert page_width_fits(secretariat)
        screenshot(secretariat, f"first-day-{name}-{size}")
    daily = new_context(viewport=viewport).new_page()
    log_in(daily, demo_people["daily"])
    daily.goto("/applications/1")
    screenshot(daily, f"first-day-advice-form-{size}")
    if size == "phone":
        secretariat.locator("details.header-menu > summary").click()
        screenshot(secretariat, "first-day-menu-open-phone")
