using System.Runtime.CompilerServices;
using NtkProofs.Experiments.Reports.Figures;

namespace NtkProofs.Tests.Experiments.Reports;

/// <summary>
/// Golden test of one small figure: the PNG and SVG bytes must equal the committed files exactly (ScottPlot with its bundled
/// Skia and the DejaVu fonts of the Debian image is deterministic). Regenerate the goldens after an intended change with
/// <c>NTKPROOFS_UPDATE_GOLDEN=1 dotnet test --filter FigureGoldenTests</c>.
/// </summary>
public sealed class FigureGoldenTests
{
    private static readonly FigureSpec Spec = new(
        "golden_figure",
        "golden: log-log series with a fit",
        "prefix length m",
        "relative gap",
        AxisScale.Log2,
        AxisScale.Log10,
        [
            new FigureSeries("data", [64, 128, 256, 512, 1024], [0.2, 0.14, 0.1, 0.071, 0.05], ErrorLow: [0.02, 0.01, 0.01, 0.005, 0.004], ErrorHigh: [0.02, 0.01, 0.01, 0.005, 0.004], ColorIndex: 0),
            new FigureSeries("fit m^-1/2", [64, 1024], [0.2, 0.05], SeriesStyle.DashedLine, ColorIndex: 0),
        ],
        [new ReferenceLine("threshold", 0.1)],
        Width: 320,
        Height: 240);

    private static string GoldenFolder([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Golden");

    [Fact]
    public void RenderingIsByteStableAndMatchesTheGoldenFiles()
    {
        string folder = Directory.CreateTempSubdirectory("golden").FullName;
        try
        {
            var (png, svg) = FigureRenderer.Save(Spec, folder);
            var (png2, svg2) = FigureRenderer.Save(Spec with { Name = "again" }, folder);
            Assert.Equal(File.ReadAllBytes(png), File.ReadAllBytes(png2));
            Assert.Equal(File.ReadAllText(svg), File.ReadAllText(svg2));

            string golden = GoldenFolder();
            if (Environment.GetEnvironmentVariable("NTKPROOFS_UPDATE_GOLDEN") == "1")
            {
                Directory.CreateDirectory(golden);
                File.Copy(png, Path.Combine(golden, "golden_figure.png"), true);
                File.Copy(svg, Path.Combine(golden, "golden_figure.svg"), true);
            }

            Assert.True(File.ReadAllBytes(png).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(golden, "golden_figure.png"))), "PNG differs from the golden file");
            Assert.Equal(File.ReadAllText(Path.Combine(golden, "golden_figure.svg")), File.ReadAllText(svg));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void FigureDataCsvHoldsEveryPoint()
    {
        string folder = Directory.CreateTempSubdirectory("golden").FullName;
        try
        {
            string csv = FigureData.Save(Spec, folder);
            var lines = File.ReadAllLines(csv);
            Assert.Equal("series,x,y,error_low,error_high", lines[0]);
            Assert.Equal(1 + 5 + 2, lines.Length);
            Assert.Equal("data,64,0.2,0.02,0.02", lines[1]);
            Assert.Equal("fit m^-1/2,1024,0.05,,", lines[^1]);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }
}
