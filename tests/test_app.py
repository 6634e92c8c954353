"""The browser app: its model, sliders and words (fast), and the page in a real browser
(slow: Debian's chromium driven by Selenium through the system chromedriver)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from sim.model.model import CeasefireModel
from sim.present.app.model import REFERENCE, VIOLENCE, TruceModel, ensemble, terms, value_at
from sim.present.app.story import status, today
from sim.scenario.loading import load_scenario
from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parents[1]
PENALTIES = "mechanisms.penalties.strength"
#: The artifact of the browser test: what the page shows after a few days.
SCREENSHOT = ROOT / "output" / "app-screenshot.png"


def test_sliders_come_from_the_schema_and_the_scenario():
    scenario = load_scenario(REFERENCE)
    sliders = {t.path: t for t in terms(scenario)}
    assert set(sliders) == {PENALTIES, "mechanisms.monitoring.verification",
                            "mechanisms.intelligence.level", "mechanisms.jic.quiet_days",
                            "actors.russia.leverage", "actors.united_states.leverage",
                            "mechanisms.spoilers.activity"}
    for path, t in sliders.items():
        assert t.value == value_at(scenario, path)          # the file's own terms
        assert t.low <= t.value <= t.high and t.step > 0
    verification = Scenario.model_fields["mechanisms"].annotation.model_fields["monitoring"]
    assert sliders["mechanisms.monitoring.verification"].meaning.startswith(
        verification.annotation.model_fields["verification"].description.split(":")[0])
    assert sliders["mechanisms.jic.quiet_days"].high == scenario.time.horizon_days
    assert sliders["mechanisms.jic.quiet_days"].step == 1
    assert sliders[PENALTIES].label == "penalties: strength (value/day)"
    # a scenario beyond where the slider would stop keeps its value within reach
    harsh = {t.path: t for t in terms(load_scenario(REFERENCE, {PENALTIES: 40.0}))}
    assert harsh[PENALTIES].value == harsh[PENALTIES].high == 40.0


def test_a_slider_sets_its_term_as_the_command_line_does():
    model = TruceModel(seed=2, **{PENALTIES: 3.0})
    assert model.terms_scenario == load_scenario(REFERENCE, {PENALTIES: 3.0})
    assert model.base.mechanisms.penalties.strength == 3.0
    assert model.replications == 1
    # Mesa's Reset hands its own experiment object to a constructor taking **kwargs
    assert TruceModel(seed=2, scenario=object()).base == TruceModel(seed=2).base


def test_same_seed_same_truce_day_by_day():
    def story(seed: int) -> list[str]:
        model = TruceModel(seed=seed)
        lines = []
        for _ in range(5):
            model.step()
            lines.append(status(model) + today(model))
        return lines

    assert story(4) == story(4)
    assert story(4) != story(5)


def test_status_and_story_follow_the_truce_to_its_end():
    model = TruceModel(seed=1)
    assert "Day 0 of 14" in status(model) and "standing" in status(model)
    assert "press Step" in today(model)
    told = []
    while model.running:
        model.step()
        assert f"Day {model.day} of 14" in status(model)
        assert today(model).startswith(f"Day {model.day}:")
        told.append(today(model))
    text = status(model)
    formal, de_facto = model.collapse_day[0], model.de_facto_day[0]
    assert (f"Declared over at the start of day {formal + 1} " in text) == (formal >= 0)
    assert (f"Collapsed de facto from day {de_facto + 1} (collapse day {de_facto}):" in text) \
        == (de_facto >= 0)
    if formal >= 0:
        assert model.theatre.actors[model.declarer[0]] in text
        # the story tells the declaration on the day it came, and stops there
        assert "declares the truce over" in told[formal]
        assert all("nothing more" in day for day in told[formal + 1:])
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == model.n_days + 1                       # day 0, then every day
    assert frame[VIOLENCE].iloc[1:].gt(0).any()
    trust = frame.drop(columns=list(CeasefireModel.REPORTERS))
    assert trust.shape[1] == len(model.pairs) and trust.apply(np.isfinite).all().all()


def test_behaviour_is_the_posterior_median():
    from sim.run.posterior import SHIPPED, load_posterior
    scenario = load_scenario(REFERENCE)
    assert TruceModel(seed=1).base == load_posterior(SHIPPED).at_median(scenario)


def test_raising_penalties_lengthens_the_ensembles_truces():
    """What a user checks with the ensemble button: penalties up, the truce lasts longer."""
    none, strong = (ensemble(TruceModel(seed=1, **{PENALTIES: p})) for p in (0.0, 3.0))
    assert none.replications == strong.replications == 300
    days = np.arange(1, 15)
    assert strong.survived.mean() > none.survived.mean() + 0.3
    assert (strong.survival_by_day(days) >= none.survival_by_day(days)).all()


def test_each_slider_steps_by_what_its_unit_means():
    sliders = {t.path: t for t in terms(load_scenario(REFERENCE))}
    assert sliders[PENALTIES].step == 0.25            # a quarter of a day's gain of fighting
    assert sliders["mechanisms.monitoring.verification"].step == 0.05     # share: 5 points
    assert sliders["actors.russia.leverage"].step == 0.05
    assert sliders["mechanisms.spoilers.activity"].step == 0.1            # a tenth
    assert sliders["mechanisms.jic.quiet_days"].step == 1                 # whole days
    # a file's value off the unit's grid gets a finer step: a slider snaps its value to its
    # grid, and must not move the file's term unasked
    odd = {t.path: t for t in terms(load_scenario(
        REFERENCE, {"mechanisms.monitoring.verification": 0.33}))}
    assert odd["mechanisms.monitoring.verification"].step == 0.01
    # a number typed in is brought within the slider's range
    assert sliders[PENALTIES].within(50) == 10.0 and sliders[PENALTIES].within(-1) == 0.0
    assert sliders[PENALTIES].within(2.6) == 2.6


def test_day_charts_count_days_and_name_actors():
    from sim.present.app.panels import DAYS, trust_chart, violence_chart
    model = TruceModel(seed=1)
    for _ in range(3):
        model.step()
    for chart in (violence_chart, trust_chart):
        ax = chart(model).axes[0]
        assert ax.get_xlabel() == DAYS and ax.get_xlim() == (0, model.n_days)
    legend = [t.get_text() for t in trust_chart(model).axes[0].get_legend().get_texts()]
    assert "Russia's trust in United States" in legend
    assert not any("_" in text for text in legend)


def test_ensembles_are_kept_labelled_by_what_they_change():
    from sim.present.app.ensembles import KEPT, ensembles_chart, keep, kept
    original = load_scenario(REFERENCE)
    first = kept(TruceModel(seed=1), original)
    assert first.label == "the file's terms" and first.replications == 300
    history = (first,)
    for p in (1.0, 3.0):
        history = keep(history, kept(TruceModel(seed=1, **{PENALTIES: p}), original))
    assert [k.label for k in history] == ["the file's terms", "penalties: strength 1",
                                          "penalties: strength 3"]
    # the same settings again replace their earlier copy, moved to the end (same curve)
    again = keep(history, kept(TruceModel(seed=1), original))
    assert [k.label for k in again][-1] == "the file's terms" and len(again) == 3
    assert (again[-1].survival == first.survival).all()
    # a fifth ensemble pushes the oldest out
    for seed in (2, 3):
        history = keep(history, kept(TruceModel(seed=seed, **{PENALTIES: 3.0}), original))
    assert len(history) == KEPT == 4
    assert [k.label for k in history][-1] == "penalties: strength 3, seed 3"
    assert history[0].label == "penalties: strength 1"
    ax = ensembles_chart(history).axes[0]
    legend = ax.get_legend()
    texts = [t.get_text() for t in legend.get_texts()]
    for k in history:
        assert any(t.startswith(k.label + ": ") for t in texts)
    assert min(t.get_fontsize() for t in legend.get_texts()) >= 10
    assert ax.get_xlabel() == "days since the truce began"
    # stronger penalties, a longer truce: the kept curves differ as the terms do
    assert history[0].survived < history[1].survived


def _rendered_page():
    """The page rendered in this process (no browser), in the layout ``solara run`` puts it
    in, and every text it shows: labels, values, button and Markdown texts."""
    import ipyvuetify as v
    import solara
    from sim.present.app.page import Page
    _, rc = solara.render(solara.AppLayout(children=[Page()]), handle_error=False)

    def texts() -> str:      # the widget tree's repr holds every label, value and text
        return repr(rc.find(v.Html).widgets[0])
    return rc, v, texts


def test_the_page_shows_each_value_and_no_leftover_mesa_controls():
    rc, v, texts = _rendered_page()
    sliders = rc.find(v.Slider).widgets
    boxes = [b for b in rc.find(v.TextField).widgets]
    scenario_terms = terms(load_scenario(REFERENCE))
    assert [s.v_model for s in sliders] == [t.value for t in scenario_terms]
    # beside each slider a box showing its value as a number (after the seed's box)
    assert [float(b.v_model) for b in boxes[1:]] == [t.value for t in scenario_terms]
    shown = texts()
    for t in scenario_terms:
        assert t.label in shown
    for leftover in ("Page 0", "Use Threads", "Play Interval", "Render Interval", "Time:"):
        assert leftover not in shown, leftover
    assert len(rc.find(v.Tab).widgets) == 0 and len(rc.find(v.Checkbox).widgets) == 0


def test_a_number_typed_in_moves_the_slider_and_applies_on_reset():
    rc, v, texts = _rendered_page()
    i = [t.path for t in terms(load_scenario(REFERENCE))].index(PENALTIES)
    box = rc.find(v.TextField).widgets[1 + i]
    box.v_model = "2.5"
    box.fire_event("keyup.enter", None)
    assert rc.find(v.Slider).widgets[i].v_model == 2.5
    assert "Reset applies 2.5" in texts()
    rc.find(v.Btn, children=["Reset"]).widget.click()
    assert "penalties: strength (value/day): 2.5" in texts()
    assert "Reset applies" not in texts()
    # out of range: kept at the slider's end, and the box shows what is kept
    box = rc.find(v.TextField).widgets[1 + i]
    box.v_model = "50"
    box.fire_event("keyup.enter", None)
    assert rc.find(v.TextField).widgets[1 + i].v_model == "10.0"
    assert rc.find(v.Slider).widgets[i].v_model == 10.0


# -- in a real browser --------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def browser_paths() -> tuple[str, str]:
    """Debian's chromium and its driver, or skip."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (chromium and driver):
        pytest.skip("needs Debian's chromium and chromium-driver "
                    "(apt-get install chromium chromium-driver; .ci/run installs them)")
    return chromium, driver


@pytest.fixture
def served_app(browser_paths, tmp_path):
    """The app served on loopback on a free port, as ``solara run`` serves it (its log in a
    file: a pipe nobody reads could fill and stall the server)."""
    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "solara", "run",
         str(ROOT / "sim" / "present" / "app" / "page.py"), "--host", "127.0.0.1", "--port", str(port), "--production",
         "--no-check-version"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(120):
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("the app did not start: "
                                + (tmp_path / "server.log").read_text()[-2000:])
                time.sleep(0.25)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.mark.slow
def test_the_page_in_a_real_browser(browser_paths, served_app):
    chromium, driver_path = browser_paths
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
    from selenium.common.exceptions import StaleElementReferenceException

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ("--headless", "--no-sandbox", "--disable-background-networking",
                "--disable-dev-shm-usage", "--window-size=1600,1900"):
        options.add_argument(arg)
    browser = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        # returns as soon as the page shows it; generous because a loaded machine (a shared
        # CI runner) can take tens of seconds per rerun; an element the page re-renders
        # between finding and reading it (stale) is looked up again, not a failure
        wait = WebDriverWait(browser, 90, ignored_exceptions=(StaleElementReferenceException,))
        browser.get(served_app)

        def page() -> str:
            return browser.find_element(By.TAG_NAME, "body").text

        # The penalties' slider and box: found by the term's label (class "app-term").
        term = ("//div[contains(concat(' ', @class, ' '), ' app-term ')]"
                "[.//*[normalize-space(text())='penalties: strength (value/day)']]")
        slider = term + "//*[@role='slider']"
        box = term + "//div[contains(@class, 'v-text-field')]//input"
        # Moved at once, the moment it shows (a slider moved in the first seconds used to be
        # lost on Reset): four steps of 0.25 with the keyboard; its box shows the value.
        wait.until(lambda _: browser.find_elements(By.XPATH, slider))
        thumb = browser.find_element(By.XPATH, slider)
        browser.execute_script("arguments[0].focus()", thumb)
        ActionChains(browser).send_keys(*[Keys.ARROW_RIGHT] * 4).perform()
        assert thumb.get_attribute("aria-valuenow") == "1"
        wait.until(lambda _: browser.find_element(By.XPATH, box).get_attribute("value") == "1.0")
        wait.until(lambda _: "Day 0 of 14" in page())
        assert "The truce is standing." in page()
        for leftover in ("PAGE 0", "Page 0", "Use Threads", "Play Interval", "Render Interval"):
            assert leftover not in page(), leftover

        def button(text: str):
            return browser.find_element(By.XPATH, f"//button[contains(., '{text}')]")

        # ... applied on Reset, as a new run
        button("Reset").click()
        wait.until(lambda _: "penalties: strength (value/day): 1" in page())
        button("Run 300 replications").click()
        wait.until(lambda _: "penalties: strength 1: survives its 7 days in" in page())
        # a number typed into the box moves the slider, and Reset applies it
        field = browser.find_element(By.XPATH, box)
        browser.execute_script("arguments[0].focus(); arguments[0].select()", field)
        ActionChains(browser).send_keys("3", Keys.ENTER).perform()
        wait.until(lambda _: browser.find_element(By.XPATH, slider)
                   .get_attribute("aria-valuenow") == "3")
        button("Reset").click()
        wait.until(lambda _: "penalties: strength (value/day): 3" in page())
        for day in (1, 2, 3):
            button("Step").click()
            wait.until(lambda _, day=day: f"Day {day} of 14" in page())
        text = page()
        assert "Day 3:" in text
        assert any(s in text for s in ("The truce is standing.", "Declared over at the start",
                                       "Collapsed de facto from day"))
        # the second ensemble is drawn beside the first, each named by what it changes
        button("Run 300 replications").click()
        wait.until(lambda _: "penalties: strength 3: survives its 7 days in" in page())
        assert "penalties: strength 1: survives its 7 days in" in page()
        SCREENSHOT.parent.mkdir(exist_ok=True)
        assert browser.save_screenshot(str(SCREENSHOT))
        button("Clear the chart").click()
        wait.until(lambda _: "penalties: strength 1: survives" not in page())
        assert "penalties: strength 3: survives" not in page()
    finally:
        browser.quit()


@pytest.mark.parametrize("argv, says", [
    (["app", "nope.yaml"], "nope.yaml: file not found"),
    (["app", "--port", "0"], "--port must be between 1 and 65535"),
])
def test_run_py_app_refuses_bad_input_in_one_line(argv, says, capsys):
    from sim.present.cli import main
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and says in err and err.count("\n") == 1


@pytest.mark.slow    # Solara takes seconds to start
def test_killing_run_py_app_stops_its_server(tmp_path):
    """``run.py app`` becomes the server (same process), so SIGKILL, which no handler can
    catch, leaves nothing serving (a child server went on serving, orphaned)."""
    import signal
    from conftest import command

    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    app = subprocess.Popen(command("app", "--port", port, quiet=False), cwd=ROOT,
                           stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(240):
            try:
                with urllib.request.urlopen(url, timeout=1):
                    break
            except OSError:
                assert app.poll() is None, (tmp_path / "server.log").read_text()[-2000:]
                time.sleep(0.25)
        else:
            pytest.fail("the app did not start within a minute")
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
        time.sleep(1.0)
        with pytest.raises(OSError):      # refused: nobody listens on the port any more
            urllib.request.urlopen(url, timeout=2)
    finally:
        if app.poll() is None:
            app.kill()
        log.close()
