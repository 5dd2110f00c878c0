package dev.scenegate.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scenegate.pipeline.SceneStateStore;
import dev.scenegate.storage.LocalObjectStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The board in a real browser: Debian's chromium driven headless through chromium-driver (both
 * installed by scripts/install-test-tools), against a folder with a scene in every status. A
 * missing browser skips these tests, except under {@code CI=true}, where it fails them.
 *
 * <p>The screenshots land in {@code target/board-screenshots/}; with {@code
 * SCENEGATE_SCREENSHOTS=<folder>} (e.g. the repository's {@code docs/}) they are copied there too.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class BoardBrowserIT {
  private static final boolean REQUIRED =
      "true".equalsIgnoreCase(System.getenv().getOrDefault("CI", ""));

  @TempDir static Path dir;
  private static FleetScenes fleet;
  private static FleetReader reader;
  private static BoardServer server;
  private static ChromeDriver driver;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    Optional<Path> chromium = onPath("CHROMIUM", "chromium", "chromium-browser");
    Optional<Path> chromedriver = onPath("CHROMEDRIVER", "chromedriver");
    if (chromium.isEmpty() || chromedriver.isEmpty()) {
      String reason =
          "chromium and chromium-driver are needed (scripts/install-test-tools installs them)";
      if (REQUIRED) {
        Assertions.fail(reason);
      }
      Assumptions.abort(reason);
    }
    fleet = new FleetScenes(new LocalObjectStore(dir.resolve("bucket")), Instant.now()).writeAll();
    reader =
        new FleetReader(
            new LocalObjectStore(dir.resolve("bucket")),
            SceneStateStore.DEFAULT_PREFIX,
            Deadlines.defaults(),
            Clock.systemUTC(),
            4);
    // A fast poll, so the refresh test does not wait long for the page to look.
    server = BoardServer.start(reader, dir.resolve("bucket").toString(), 0, 500, Clock.systemUTC());
    base = "http://127.0.0.1:" + server.port() + "/";

    ChromeOptions options = new ChromeOptions();
    options.setBinary(chromium.get().toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox", // the tests run as root in CI
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")),
        "--window-size=1400,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(chromedriver.get().toFile())
            .usingAnyFreePort()
            .withLogFile(Path.of("target", "chromedriver.log").toFile())
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stop() {
    if (driver != null) {
      driver.quit();
    }
    if (server != null) {
      server.close();
    }
    if (reader != null) {
      reader.close();
    }
  }

  @BeforeEach
  void wideWindow() {
    driver.manage().window().setSize(new Dimension(1400, 900));
  }

  private static Optional<Path> onPath(String variable, String... names) {
    String given = System.getenv(variable);
    if (given != null && Files.isExecutable(Path.of(given))) {
      return Optional.of(Path.of(given));
    }
    for (String folder : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      for (String name : names) {
        Path candidate = Path.of(folder, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  private static WebElement row(String sceneId) {
    for (WebElement row : driver.findElements(By.cssSelector("table.grid tbody tr"))) {
      if (row.findElement(By.cssSelector("th.scene")).getText().equals(sceneId)) {
        return row;
      }
    }
    throw new AssertionError("no row for " + sceneId);
  }

  private static String status(String sceneId, String stage) {
    return row(sceneId)
        .findElement(By.cssSelector("td[data-stage='" + stage + "']"))
        .getAttribute("data-status");
  }

  @Test
  void theGridShowsEverySceneAndStageStatus() throws Exception {
    driver.get(base);
    List<String> ids = new ArrayList<>();
    for (WebElement th : driver.findElements(By.cssSelector("table.grid tbody th.scene"))) {
      ids.add(th.getText());
    }
    assertEquals(FleetScenes.FLEET_ORDER, ids);
    List<String> columns = new ArrayList<>();
    for (WebElement th : driver.findElements(By.cssSelector("table.grid thead th"))) {
      columns.add(th.getText());
    }
    assertEquals(
        List.of(
            "Scene",
            "Verdict",
            "Updated",
            "source_image",
            "regen3d",
            "variation_assets",
            "usd",
            "geniesim_export",
            "episodes",
            "geniesim_import",
            "dwm"),
        columns,
        "one column per stage, in the runbook's order");
    assertEquals("passed", status(FleetScenes.FAILED, "source_image"));
    assertEquals("failed", status(FleetScenes.FAILED, "regen3d"));
    assertEquals("waiting", status(FleetScenes.FAILED, "dwm"));
    assertEquals("pending", status(FleetScenes.FAILED, "usd"));
    assertEquals("skipped", status(FleetScenes.PASSED, "geniesim_export"));
    assertEquals("passed", status(FleetScenes.PASSED, "dwm"));
    assertEquals("stale", status(FleetScenes.RUNNING_STALE, "geniesim_export"));
    assertEquals("stale", status(FleetScenes.WAITING_STALE, "dwm"));
    assertEquals("waiting", status(FleetScenes.WAITING, "episodes"));
    assertTrue(row(FleetScenes.BROKEN).getText().contains("unreadable: not JSON"));
    // Every status has its own colour (and its word: colour is never the only sign).
    Set<String> colours = new HashSet<>();
    String[][] cells = {
      {FleetScenes.FAILED, "source_image"}, {FleetScenes.FAILED, "regen3d"},
      {FleetScenes.FAILED, "dwm"}, {FleetScenes.FAILED, "usd"},
      {FleetScenes.PASSED, "geniesim_export"}, {FleetScenes.RUNNING_STALE, "geniesim_export"},
    };
    for (String[] cell : cells) {
      WebElement td = row(cell[0]).findElement(By.cssSelector("td[data-stage='" + cell[1] + "']"));
      colours.add(td.getCssValue("background-color"));
      assertTrue(td.getText().startsWith(status(cell[0], cell[1]).replace("stale", "running")));
    }
    assertEquals(cells.length, colours.size(), "distinct colours: " + colours);
    WebElement counts = driver.findElement(By.cssSelector("ul.counts"));
    assertTrue(counts.getText().contains("failed 2"), counts.getText());
    assertTrue(counts.getText().contains("stale stage 2"), counts.getText());
    assertTrue(counts.getText().contains("total 8"), counts.getText());
    screenshot("board-fleet.png");
  }

  @Test
  void htmlFromTheBucketIsShownAsText() {
    driver.get(base);
    assertEquals(
        FleetScenes.HTML_ID, row(FleetScenes.HTML_ID).findElement(By.cssSelector("th")).getText());
    assertEquals(0L, js("return document.querySelectorAll('img').length;"));
    driver.get(base + "scene/" + FleetScenes.HTML_FILES);
    List<String> paths = new ArrayList<>();
    for (WebElement code : driver.findElements(By.cssSelector("table.files code.path"))) {
      paths.add(code.getText());
    }
    assertEquals(List.of(FleetScenes.HTML_MISMATCH, FleetScenes.HTML_MISSING), paths);
    assertEquals(0L, js("return document.querySelectorAll('img').length;"));
    assertEquals(1L, js("return document.scripts.length;"), "only the board's own script");
  }

  @Test
  void aClickOpensTheFailingSceneWithExpectedAndActualDigests() throws Exception {
    driver.get(base);
    row(FleetScenes.FAILED).findElement(By.linkText(FleetScenes.FAILED)).click();
    new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(d -> d.getCurrentUrl().endsWith("/scene/" + FleetScenes.FAILED));
    String[] digests = fleet.failedDigests();
    WebElement file = driver.findElement(By.cssSelector("tr.file-failure"));
    assertEquals("obj_1/asset.glb", file.findElement(By.cssSelector("code.path")).getText());
    assertEquals(digests[0], file.findElement(By.cssSelector("code.expected")).getText());
    assertEquals(digests[1], file.findElement(By.cssSelector("code.actual")).getText());
    assertNotEquals(digests[0], digests[1]);
    assertTrue(file.getText().contains("SHA256_MISMATCH"));
    String page = driver.findElement(By.tagName("main")).getText();
    assertTrue(page.contains("scenes/" + FleetScenes.FAILED + "/assets/source_checksums.json"));
    assertTrue(page.contains("\"stage\" : \"regen3d\""), "the .failed marker's content");
    assertTrue(page.contains("Re-stage assets"), "remediation");
    assertTrue(page.contains("checksum_failure"), "the alert raised");
    assertTrue(page.contains("pending → failed") || page.contains("pending\n→"), "timeline");
    driver.manage().window().setSize(new Dimension(1400, 1150));
    screenshot("board-scene.png");
  }

  @Test
  void thePageMakesNoRequestOffLocalhost() {
    for (String path :
        List.of("", "scene/" + FleetScenes.FAILED, "scene/" + FleetScenes.HTML_FILES)) {
      driver.get(base + path);
      @SuppressWarnings("unchecked")
      List<String> requested =
          (List<String>)
              js(
                  "return performance.getEntriesByType('navigation')"
                      + ".concat(performance.getEntriesByType('resource')).map(e => e.name);");
      assertFalse(requested.isEmpty());
      for (String url : requested) {
        assertTrue(url.startsWith(base), path + " requested " + url);
      }
    }
  }

  @Test
  void filtersByVerdictAndText() {
    driver.get(base);
    new Select(driver.findElement(By.id("verdict"))).selectByValue("failed");
    assertEquals(List.of(FleetScenes.HTML_FILES, FleetScenes.FAILED), visibleRows());
    new Select(driver.findElement(By.id("verdict"))).selectByValue("stale");
    assertEquals(List.of(FleetScenes.RUNNING_STALE, FleetScenes.WAITING_STALE), visibleRows());
    new Select(driver.findElement(By.id("verdict"))).selectByValue("");
    driver.findElement(By.id("q")).sendKeys("cellar");
    assertEquals(List.of(FleetScenes.WAITING), visibleRows());
    assertEquals("1 of 8 scenes shown", driver.findElement(By.id("shown")).getText());
  }

  private static List<String> visibleRows() {
    List<String> ids = new ArrayList<>();
    for (WebElement row : driver.findElements(By.cssSelector("table.grid tbody tr"))) {
      if (row.isDisplayed()) {
        ids.add(row.findElement(By.cssSelector("th")).getText());
      }
    }
    return ids;
  }

  @Test
  void keyboardOnly() {
    driver.get(base);
    WebElement target = row(FleetScenes.HTML_FILES).findElement(By.tagName("a"));
    Actions keys = new Actions(driver);
    for (int i = 0; i < 40 && !driver.switchTo().activeElement().equals(target); i++) {
      keys.sendKeys(Keys.TAB).perform();
    }
    WebElement focused = driver.switchTo().activeElement();
    assertEquals(target, focused, "the first scene is reached with Tab");
    assertNotEquals("none", focused.getCssValue("outline-style"), "a visible focus");
    keys.sendKeys(Keys.ENTER).perform();
    new WebDriverWait(driver, Duration.ofSeconds(30))
        .until(d -> d.getCurrentUrl().endsWith("/scene/" + FleetScenes.HTML_FILES));
  }

  @Test
  void readableInANarrowWindow() {
    driver.manage().window().setSize(new Dimension(390, 800));
    for (String path : List.of("", "scene/" + FleetScenes.FAILED)) {
      driver.get(base + path);
      long overflow = (Long) js("return document.documentElement.scrollWidth - window.innerWidth;");
      Object wide =
          js(
              "return Array.from(document.querySelectorAll('main *'))"
                  + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.grid-wrap'))"
                  + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' '"
                  + " + Math.round(e.getBoundingClientRect().right)).join(', ');");
      assertTrue(
          overflow <= 0, path + ": the page scrolls sideways by " + overflow + " px: " + wide);
    }
  }

  /** Last: it changes a scene the other tests look at. */
  @Test
  @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
  void refreshesItselfWhenAStateChanges() throws Exception {
    driver.get(base);
    assertEquals("waiting", status(FleetScenes.WAITING, "episodes"));
    fleet.unblockWaiting(Instant.now());
    // The page swaps its content when the poll sees a new version: elements found before go stale.
    new WebDriverWait(driver, Duration.ofSeconds(60))
        .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
        .until(d -> "passed".equals(status(FleetScenes.WAITING, "episodes")));
  }

  @Test
  void theSnapshotIsSelfContained() throws Exception {
    Path file = dir.resolve("snapshot.html");
    FleetCli cli =
        FleetCli.run(
            Map.of(),
            "board",
            "--dir",
            dir.resolve("bucket").toString(),
            "--html",
            file.toString());
    assertEquals(0, cli.exit(), cli.toString());
    driver.get(file.toUri().toString());
    assertEquals(8, driver.findElements(By.cssSelector("table.grid tbody tr")).size());
    // The inline script runs under the page's own policy (allowed by its hash): the filter works.
    new Select(driver.findElement(By.id("verdict"))).selectByValue("failed");
    assertEquals(List.of(FleetScenes.HTML_FILES, FleetScenes.FAILED), visibleRows());
    row(FleetScenes.FAILED).findElement(By.linkText(FleetScenes.FAILED)).click();
    WebElement section = driver.findElement(By.id("scene-" + FleetScenes.FAILED));
    assertTrue(section.getText().contains(fleet.failedDigests()[1]));
    assertEquals(
        0L,
        js("return performance.getEntriesByType('resource').length;"),
        "a snapshot requests nothing");
  }

  private static void screenshot(String name) throws Exception {
    Path folder = Files.createDirectories(Path.of("target", "board-screenshots"));
    Path shot = folder.resolve(name);
    Files.copy(
        driver.getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    String docs = System.getenv("SCENEGATE_SCREENSHOTS");
    if (docs != null && !docs.isBlank()) {
      Files.copy(shot, Path.of(docs).resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
