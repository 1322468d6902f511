package org.bitclass.serve;

import org.bitclass.testutil.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The chat page in headless Chromium (Debian's chromium and chromium-driver): search, pick Minima, watch a reply
 * stream, stop one, and check that neither messages nor model output can inject markup.
 */
class ServePageTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path models;

    private static ApiServer server;
    private static WebDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER), "chromium and chromedriver are not installed");
        Files.copy(SharedData.path("models/minima-qwen3-bf16.gguf"), models.resolve("minima-qwen3-bf16.gguf"));
        Files.createDirectory(models.resolve("hybrid"));
        Files.copy(SharedData.path("models/minima-qwen35-bf16.gguf"), models.resolve("hybrid/minima-qwen35-bf16.gguf"),
                StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(models.resolve("results.json"),
                "{\"levels\": [{\"file\": \"minima-qwen3-bf16.gguf\", \"kld_mean\": 0.00123}, \"junk\"]}");
        server = ApiServer.ofFolder(models, ServerSettings.of("127.0.0.1", 0, 2, 1024, 2, null));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1200,800");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        wait = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(20));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void searchPickChatStreamAndStop() throws Exception {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        wait.until(b -> b.findElements(By.cssSelector("#models li")).size() == 2);
        assertThat(browser.findElement(By.id("model-status")).getText()).contains("Pick a model");

        browser.findElement(By.id("search")).sendKeys("qwen3-bf");
        wait.until(b -> b.findElements(By.cssSelector("#models li")).size() == 1);
        WebElement minima = browser.findElement(By.cssSelector("#models li"));
        assertThat(minima.getText()).contains("minima-qwen3-bf16.gguf").contains("BPW").contains("kld_mean 0.00123");
        minima.click();
        wait.until(b -> b.findElement(By.id("model-status")).getText().contains("Chatting with minima-qwen3-bf16.gguf"));

        browser.findElement(By.id("system")).sendKeys("Answer in the words of the Bible.");
        WebElement temperature = browser.findElement(By.id("temperature"));
        temperature.clear();
        temperature.sendKeys("0"); // greedy: Minima's reply to this is hundreds of tokens every time
        send("<img src=x onerror=\"window.pwned=1\"> Who made the heaven and the earth?");
        WebElement reply = lastReply();
        Set<Integer> lengths = new LinkedHashSet<>();
        do { // the reply's length until the stop button is disabled again: the reply is complete
            lengths.add(reply.getText().length());
            Thread.sleep(20);
        } while (browser.findElement(By.id("stop")).isEnabled());
        assertThat(lengths.stream().filter(n -> n > 0).count()).as("reply lengths seen while streaming: %s", lengths)
                .isGreaterThanOrEqualTo(3);

        send("Tell me of the flood.");
        WebElement second = lastReply();
        wait.until(b -> !second.getText().isEmpty());
        browser.findElement(By.id("stop")).click();
        wait.until(b -> !second.findElements(By.className("stopped")).isEmpty());
        assertThat(browser.findElement(By.id("send")).isEnabled()).isTrue();

        JavascriptExecutor js = (JavascriptExecutor) browser;
        assertThat(js.executeScript("return window.pwned === undefined")).isEqualTo(true);
        assertThat(browser.findElements(By.cssSelector("#messages img, #messages script"))).isEmpty();
        assertThat(browser.findElements(By.cssSelector(".message.user")).getFirst().getText()).startsWith("<img src=x");

        Path shot = Path.of("target", "serve-chat.png");
        Files.createDirectories(shot.getParent());
        Files.copy(((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(), shot,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Types a message, sends it with Enter, and waits until the reply is under way. */
    private static void send(String text) {
        browser.findElement(By.id("prompt")).sendKeys(text + "\n");
        wait.until(b -> b.findElement(By.id("stop")).isEnabled());
    }

    private static WebElement lastReply() {
        return browser.findElements(By.cssSelector(".message.assistant")).getLast();
    }

    @Test
    void modelOutputIsRenderedAsTextWithThinkingCollapsed() {
        browser.get("http://127.0.0.1:" + server.port() + "/");
        JavascriptExecutor js = (JavascriptExecutor) browser;
        @SuppressWarnings("unchecked")
        List<Object> found = (List<Object>) js.executeScript("""
                const el = document.createElement('div');
                Markdown.renderReply('<think>plan <b>x</b></think>**bold** <script>window.pwned=1</script>\\n'
                    + '<img src=x onerror="window.pwned=1">\\n```\\n<svg onload=alert(1)>\\n```\\n- item `code`', el);
                document.body.append(el);
                return [el.querySelectorAll('script, img, svg, b').length, el.querySelector('details').open,
                        el.querySelector('strong').textContent, el.querySelector('pre code').textContent,
                        el.querySelector('li code').textContent, window.pwned === undefined];
                """);
        assertThat(found).containsExactly(0L, false, "bold", "<svg onload=alert(1)>", "code", true);
    }
}
