"""Drives `morph serve` in headless Chromium for BrowserEndToEndTests (Swift), which starts the server, checks
the pixels afterwards and reads the JSON this script prints last.

Usage: e2e.py CONFIG.json, with keys: url, image, batch (images to upscale), downloads, screenshots (folder), run,
resume (argv that trains the run further), chromium, chromedriver.
"""
import json
import os
import struct
import subprocess
import sys
import time
import zipfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def log(message):
    print("e2e:", message, file=sys.stderr, flush=True)


def browser(config):
    options = webdriver.ChromeOptions()
    options.binary_location = config["chromium"]
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--window-size=1280,800", "--force-device-scale-factor=1", "--hide-scrollbars"]:
        options.add_argument(flag)
    options.add_experimental_option("prefs", {
        "download.default_directory": config["downloads"],
        "download.prompt_for_download": False,
        "download.directory_upgrade": True,
    })
    driver = webdriver.Chrome(service=Service(executable_path=config["chromedriver"]), options=options)
    driver.set_window_size(1280, 800)
    # The viewport must be 1280x800 for the screenshot: grow the window by the browser frame if there is one.
    inner = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    if inner != [1280, 800]:
        driver.set_window_size(1280 + 1280 - inner[0], 800 + 800 - inner[1])
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": config["downloads"]})
    return driver


def wait(driver, seconds, condition, what):
    try:
        return WebDriverWait(driver, seconds, poll_frequency=0.2).until(lambda d: condition(d))
    except Exception:
        toast = driver.execute_script("var t = document.getElementById('toast'); return t ? t.textContent : ''")
        raise SystemExit(f"timed out after {seconds} s waiting for {what} (page says: {toast!r})")


def inpaint(driver, config):
    driver.get(config["url"])
    wait(driver, 20, lambda d: d.find_element(By.ID, "model").get_attribute("value") == "morph-inpaint", "the model list")
    file_input = driver.find_element(By.ID, "file")
    driver.execute_script("arguments[0].hidden = false", file_input)
    file_input.send_keys(config["image"])
    driver.execute_script("arguments[0].hidden = true", file_input)
    wait(driver, 20, lambda d: d.execute_script("return document.getElementById('dropzone').hidden"), "the image to load")
    time.sleep(0.3)
    mask = driver.find_element(By.ID, "mask")
    rect = driver.execute_script("var r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]", mask)
    natural = driver.execute_script("return [arguments[0].width, arguments[0].height]", mask)
    scale = rect[2] / natural[0]
    size = int(driver.find_element(By.ID, "size").get_attribute("value"))
    # A horizontal stroke across the middle of the image, in viewport pixels, with real pointer events.
    y = rect[1] + rect[3] * 0.45
    x0, x1 = rect[0] + rect[2] * 0.30, rect[0] + rect[2] * 0.62
    actions = ActionBuilder(driver)
    actions.pointer_action.move_to_location(int(x0), int(y)).pointer_down()
    steps = 12
    for k in range(1, steps + 1):
        actions.pointer_action.move_to_location(int(x0 + (x1 - x0) * k / steps), int(y))
    actions.pointer_action.pointer_up()
    actions.perform()
    stroke = {
        "x0": (int(x0) - rect[0]) / scale, "x1": (int(x1) - rect[0]) / scale, "y": (int(y) - rect[1]) / scale,
        "width": size / scale,
    }
    log(f"stroke in image pixels: {stroke}")
    wait(driver, 5, lambda d: not d.find_element(By.ID, "undo").get_attribute("disabled"), "the stroke to register")
    driver.save_screenshot(os.path.join(config["screenshots"], "web-app.png"))
    driver.find_element(By.ID, "run").click()
    wait(driver, 180, lambda d: d.execute_script("return document.body.dataset.runs") == "1", "the inpainting result")
    driver.find_element(By.ID, "download").click()
    def downloaded(_):
        names = [n for n in os.listdir(config["downloads"]) if n.endswith(".png")]
        busy = [n for n in os.listdir(config["downloads"]) if n.endswith(".crdownload")]
        return names[0] if names and not busy else None
    name = wait(driver, 30, downloaded, "the download")
    return {"download": os.path.join(config["downloads"], name), "stroke": stroke}


def batch(driver, config):
    driver.get(config["url"].rstrip("/") + "/batch")
    wait(driver, 20, lambda d: d.find_element(By.ID, "model").get_attribute("value") == "morph-sr-x4", "the upscale models")
    file_input = driver.find_element(By.ID, "file")
    driver.execute_script("arguments[0].hidden = false", file_input)
    file_input.send_keys("\n".join(config["batch"]))
    driver.execute_script("arguments[0].hidden = true", file_input)
    wait(driver, 10, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".card")) == len(config["batch"]), "the cards")
    driver.find_element(By.ID, "runAll").click()
    wait(driver, 180, lambda d: all(e.text.startswith("Done") for e in d.find_elements(By.CSS_SELECTOR, ".card .state")), "every image")
    driver.save_screenshot(os.path.join(config["screenshots"], "web-app-batch.png"))
    driver.find_element(By.ID, "zipAll").click()
    path = os.path.join(config["downloads"], "morph-results.zip")
    wait(driver, 30, lambda _: os.path.exists(path) and not any(n.endswith(".crdownload") for n in os.listdir(config["downloads"])), "the zip")
    sizes = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            head = archive.read(name)[:24]
            sizes[name] = list(struct.unpack(">II", head[16:24])) if head[:8] == b"\x89PNG\r\n\x1a\n" else None
    return {"batch": sizes}


def training(driver, config):
    driver.get(config["url"].rstrip("/") + "/runs?run=" + config["run"])
    def last_step(d):
        return d.execute_script("var c = document.getElementById('chart'); return c ? c.dataset.lastStep : null")
    wait(driver, 20, lambda d: last_step(d) not in (None, "0"), "the loss curve")
    first = int(last_step(driver))
    points = int(driver.execute_script("return document.getElementById('chart').dataset.points"))
    driver.save_screenshot(os.path.join(config["screenshots"], "web-app-runs.png"))
    log(f"curve at step {first} ({points} points); training further")
    result = subprocess.run(config["resume"], capture_output=True, text=True)
    if result.returncode != 0:
        raise SystemExit("resuming the run failed: " + result.stderr[-2000:])
    wait(driver, 30, lambda d: int(last_step(d) or 0) > first, "the curve to update")
    later = int(last_step(driver))
    state = driver.execute_script("return document.getElementById('runState').textContent")
    return {"first_step": first, "later_step": later, "points_before": points, "state": state}


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    driver = browser(config)
    try:
        outcome = inpaint(driver, config)
        outcome.update(batch(driver, config))
        outcome.update(training(driver, config))
        outcome["viewport"] = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    finally:
        driver.quit()
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
