using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NtkProofs.Experiments.Cli;
using NtkProofs.IO;
using NtkProofs.Kernels;
using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Experiments;

/// <summary>
/// Table-driven bad input across the commands: each case must give its exit code, a one-line message naming the problem
/// (never a stack trace), and leave every file that existed before byte-identical.
/// </summary>
public sealed class BadInputTableTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("badinput").FullName;

    /// <summary>Removes the case's folder.</summary>
    public void Dispose() => Directory.Delete(root, true);

    /// <summary>One bad-input case: how to spoil the inputs, the arguments ({in}, {out}, {root} substituted), the exit code, a message fragment.</summary>
    /// <param name="Name">Case name.</param>
    /// <param name="Spoil">Changes the (valid) inputs; null: none.</param>
    /// <param name="Args">Arguments.</param>
    /// <param name="Code">Expected exit code.</param>
    /// <param name="Message">Fragment the error message must contain (case-insensitive).</param>
    public sealed record Case(string Name, Action<string>? Spoil, string[] Args, int Code, string Message)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    private static byte[] RawNpy(string shape, int values, int trailing = 0, string descr = "<f8")
    {
        string dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + shape + "), }";
        int total = 10 + dict.Length + 1;
        int pad = (64 - (total % 64)) % 64;
        string header = dict + new string(' ', pad) + "\n";
        using var ms = new MemoryStream();
        ms.Write([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0]);
        ms.Write(BitConverter.GetBytes((ushort)header.Length));
        ms.Write(Encoding.ASCII.GetBytes(header));
        ms.Write(new byte[(values * 8) + trailing]);
        return ms.ToArray();
    }

    private static Action<string> Put(string file, byte[] bytes) => dir => File.WriteAllBytes(Path.Combine(dir, file), bytes);

    private static Action<string> Scale(string file, double factor) => dir =>
    {
        var a = NpyFile.Read(Path.Combine(dir, file));
        NpyFile.Write(Path.Combine(dir, file), new NpyArray(a.Shape, a.Data.Select(v => v * factor).ToArray()));
    };

    private static Action<string> SetValue(string file, double value) => dir =>
    {
        var a = NpyFile.Read(Path.Combine(dir, file));
        var data = a.Data.ToArray();
        data[0] = value;
        NpyFile.Write(Path.Combine(dir, file), new NpyArray(a.Shape, data));
    };

    private static Action<string> Delete(string file) => dir => File.Delete(Path.Combine(dir, file));

    private static Action<string> Shape(string file, long rows, long cols) => dir =>
        NpyFile.Write(Path.Combine(dir, file), new NpyArray([rows, cols], new double[rows * cols]));

    private static string[] K(params string[] extra) => ["kernel", "--in", "{in}", "--out", "{out}", .. extra];

    private static string[] A(params string[] extra) => ["attention", "--in", "{in}", "--out", "{out}", "--feature", "elu1", .. extra];

    /// <summary>The table.</summary>
    public static TheoryData<Case> Cases()
    {
        var cases = new List<Case>();
        foreach (var (cmd, file, args) in new[] { ("kernel", "X.npy", K()), ("attention", "X.npy", A()), ("kernel", "P.npy", K()), ("attention", "WQ.npy", A()) })
        {
            string p = $"{cmd} {file}";
            cases.Add(new($"{p} negative dim", Put(file, RawNpy("-3, 3", 0)), args, ExitCodes.BadInput, "not a non-negative integer"));
            cases.Add(new($"{p} non-integer dim", Put(file, RawNpy("2.5, 3", 0)), args, ExitCodes.BadInput, "not a non-negative integer"));
            cases.Add(new($"{p} overflowing dim", Put(file, RawNpy("99999999999999999999, 3", 0)), args, ExitCodes.BadInput, "not a non-negative integer"));
            cases.Add(new($"{p} product overflow", Put(file, RawNpy("4294967296, 4294967296", 0)), args, ExitCodes.BadInput, "more values"));
            cases.Add(new($"{p} trailing bytes", Put(file, RawNpy("5, 3", 15, trailing: 3)), args, ExitCodes.BadInput, "trailing bytes"));
            cases.Add(new($"{p} truncated data", Put(file, RawNpy("5, 3", 4)), args, ExitCodes.BadInput, "file ends before"));
            cases.Add(new($"{p} float32", Put(file, RawNpy("5, 3", 8, descr: "<f4")), args, ExitCodes.BadInput, "<f4"));
            cases.Add(new($"{p} not npy", Put(file, Encoding.UTF8.GetBytes("hello, world")), args, ExitCodes.BadInput, "not a NumPy"));
            cases.Add(new($"{p} empty file", Put(file, []), args, ExitCodes.BadInput, "not a NumPy"));
            cases.Add(new($"{p} missing", Delete(file), args, ExitCodes.BadInput, file));
            cases.Add(new($"{p} NaN value", SetValue(file, double.NaN), args, ExitCodes.BadInput, "finite"));
            cases.Add(new($"{p} infinite value", SetValue(file, double.PositiveInfinity), args, ExitCodes.BadInput, "finite"));
        }

        cases.Add(new("kernel m = 0", Shape("P.npy", 0, 3), K(), ExitCodes.BadInput, "m"));
        cases.Add(new("attention m = 0", Shape("P.npy", 0, 5), A(), ExitCodes.BadInput, "m"));
        cases.Add(new("attention L = 0", Shape("X.npy", 0, 5), A(), ExitCodes.BadInput, "L"));
        cases.Add(new("kernel n = 0", Shape("X.npy", 0, 3), K(), ExitCodes.BadInput, "X"));
        cases.Add(new("kernel X wrong width", Shape("X.npy", 5, 4), K(), ExitCodes.BadInput, "X"));
        cases.Add(new("attention WQ wrong rows", Shape("WQ.npy", 3, 4), A(), ExitCodes.BadInput, "WQ"));
        cases.Add(new("attention X 1e300 overflows", Scale("X.npy", 1e300), A(), ExitCodes.CheckFailed, "finite"));
        cases.Add(new("kernel X 1e300 (not unit norm)", Scale("X.npy", 1e300), K(), ExitCodes.BadInput, "norm"));
        cases.Add(new("kernel A 1e300 (not signs)", Scale("A.npy", 1e300), K(), ExitCodes.BadInput, "signs"));
        cases.Add(new("kernel --out is a file (finetune)", dir => File.WriteAllText(Path.Combine(dir, "..", "afile"), "x"), ["finetune", "--task", "polarity", "--out", "{root}/afile"], ExitCodes.BadInput, "afile"));
        cases.Add(new("kernel --out is a file", dir => File.WriteAllText(Path.Combine(dir, "..", "afile"), "x"), ["kernel", "--in", "{in}", "--out", "{root}/afile"], ExitCodes.BadInput, "afile"));
        cases.Add(new("attention --out is a file", dir => File.WriteAllText(Path.Combine(dir, "..", "afile"), "x"), ["attention", "--in", "{in}", "--out", "{root}/afile", "--feature", "elu1"], ExitCodes.BadInput, "afile"));
        cases.Add(new("kernel --in missing folder", null, ["kernel", "--in", "{root}/nowhere", "--out", "{out}"], ExitCodes.BadInput, "nowhere"));
        cases.Add(new("kernel --sigma NaN", null, K("--sigma", "NaN"), ExitCodes.BadInput, "sigma"));
        cases.Add(new("kernel --sigma -1", null, K("--sigma", "-1"), ExitCodes.BadInput, "sigma"));
        cases.Add(new("kernel --variant bogus", null, K("--variant", "bogus"), ExitCodes.BadInput, "bogus"));
        cases.Add(new("kernel --scale bogus", null, K("--scale", "bogus"), ExitCodes.BadInput, "bogus"));
        cases.Add(new("kernel unknown option", null, K("--frobnicate"), ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("attention --feature bogus", null, ["attention", "--in", "{in}", "--out", "{out}", "--feature", "bogus"], ExitCodes.BadInput, "bogus"));
        cases.Add(new("attention --feature taylor:-1", null, ["attention", "--in", "{in}", "--out", "{out}", "--feature", "taylor:-1"], ExitCodes.BadInput, "taylor"));
        cases.Add(new("unknown command", null, ["frobnicate"], ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("sweep unknown experiment", null, ["sweep", "nosuchexperiment", "--out", "{out}"], ExitCodes.BadInput, "--config"));
        cases.Add(new("sweep config not UTF-8", dir => File.WriteAllBytes(Path.Combine(dir, "bad.json"), [0x7b, 0xff, 0xfe, 0x7d]), ["sweep", "ntk-bound", "--config", "{in}/bad.json", "--out", "{out}"], ExitCodes.BadInput, "bad.json"));
        cases.Add(new("sweep config not JSON", dir => File.WriteAllText(Path.Combine(dir, "bad.json"), "{ nope"), ["sweep", "ntk-bound", "--config", "{in}/bad.json", "--out", "{out}"], ExitCodes.BadInput, "bad.json"));
        cases.Add(new("sweep config missing", null, ["sweep", "ntk-bound", "--config", "{in}/none.json", "--out", "{out}"], ExitCodes.BadInput, "none.json"));
        cases.Add(new("sweep bad shard", null, ["sweep", "ntk-bound", "--config", "{cfg}", "--shard", "5/2", "--out", "{out}"], ExitCodes.BadInput, "shard"));
        cases.Add(new("sweep --out is a file", dir => File.WriteAllText(Path.Combine(dir, "..", "afile"), "x"), ["sweep", "ntk-bound", "--config", "{cfg}", "--out", "{root}/afile"], ExitCodes.BadInput, "afile"));
        cases.Add(new("merge no inputs", null, ["merge", "--config", "{cfg}", "--out", "{out}/m.jsonl"], ExitCodes.BadInput, "merge"));
        cases.Add(new("merge missing input", null, ["merge", "{in}/none.jsonl", "--config", "{cfg}", "--out", "{out}/m.jsonl"], ExitCodes.BadInput, "none.jsonl"));
        cases.Add(new("merge --out a directory", dir => File.WriteAllText(Path.Combine(dir, "a.jsonl"), ""), ["merge", "{in}/a.jsonl", "--config", "{cfg}", "--out", "{out}"], ExitCodes.BadInput, "folder"));
        cases.Add(new("finetune --lr NaN", null, ["finetune", "--task", "polarity", "--out", "{out}", "--lr", "NaN"], ExitCodes.BadInput, "lr"));
        cases.Add(new("finetune --lr Infinity", null, ["finetune", "--task", "polarity", "--out", "{out}", "--lr", "Infinity"], ExitCodes.BadInput, "lr"));
        cases.Add(new("finetune --lr -1", null, ["finetune", "--task", "polarity", "--out", "{out}", "--lr", "-1"], ExitCodes.BadInput, "--lr"));
        cases.Add(new("check-adapter missing", null, ["check-adapter", "{root}/nowhere"], ExitCodes.BadInput, "nowhere"));
        cases.Add(new("check-adapter not an adapter", null, ["check-adapter", "{in}"], ExitCodes.BadInput, ""));
        cases.Add(new("bench unknown target", null, ["bench", "frobnicate"], ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("report unknown profile", null, ["report", "--profile", "frobnicate", "--out", "{out}"], ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("lemmas unknown option", null, ["lemmas", "--frobnicate"], ExitCodes.BadInput, "frobnicate"));
        string[] Front(string command, params string[] extra) => [.. command.Split(' '), "--profile", "smoke", "--out", "{out}", .. extra];
        cases.Add(new("ntk-bound unknown profile", null, ["ntk-bound", "--profile", "frobnicate", "--out", "{out}"], ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("ntk-bound --max-log2 30", null, Front("ntk-bound", "--max-log2", "30"), ExitCodes.BadInput, "max-log2"));
        cases.Add(new("ntk-bound --max-log2 leaves no m", null, Front("ntk-bound", "--max-log2", "2"), ExitCodes.BadInput, "'m' axis"));
        cases.Add(new("ntk-bound --beta NaN", null, Front("ntk-bound", "--beta", "NaN"), ExitCodes.BadInput, "finite"));
        cases.Add(new("ntk-bound --beta out of range", null, Front("ntk-bound", "--beta", "1000"), ExitCodes.BadInput, "beta"));
        cases.Add(new("ntk-bound odd --degree (fails mid-run)", null, Front("ntk-bound", "--degree", "3"), ExitCodes.BadInput, "even"));
        cases.Add(new("ntk-bound --exponent 0", null, Front("ntk-bound", "--exponent", "0"), ExitCodes.BadInput, "exponent"));
        cases.Add(new("ntk-bound --threads 0", null, Front("ntk-bound", "--threads", "0"), ExitCodes.BadInput, "threads"));
        cases.Add(new("ntk-bound --out is a file", dir => File.WriteAllText(Path.Combine(dir, "..", "afile"), "x"), ["ntk-bound", "--profile", "smoke", "--out", "{root}/afile"], ExitCodes.BadInput, "afile"));
        cases.Add(new("ntk-train --lr NaN", null, Front("ntk-train", "--lr", "NaN"), ExitCodes.BadInput, "lr"));
        cases.Add(new("ntk-train --feature prf:0", null, Front("ntk-train", "--feature", "prf:0"), ExitCodes.BadInput, "feature"));
        cases.Add(new("ntk-train --dtype float16", null, Front("ntk-train", "--dtype", "float16"), ExitCodes.BadInput, "float16"));
        cases.Add(new("ntk-train --steps -1", null, Front("ntk-train", "--steps", "-1"), ExitCodes.BadInput, "steps"));
        cases.Add(new("ntk-train removed --weight-scale", null, Front("ntk-train", "--weight-scale", "2"), ExitCodes.BadInput, "weight-scale"));
        cases.Add(new("lemmas unknown profile", null, ["lemmas", "--profile", "frobnicate", "--out", "{out}"], ExitCodes.BadInput, "frobnicate"));
        cases.Add(new("lemmas --scale cubic", null, Front("lemmas", "--scale", "cubic"), ExitCodes.BadInput, "cubic"));
        cases.Add(new("bench attention --to 30", null, Front("bench attention", "--to", "30"), ExitCodes.BadInput, "to"));
        cases.Add(new("bench attention --from > --to", null, Front("bench attention", "--from", "8", "--to", "4"), ExitCodes.BadInput, "from"));
        cases.Add(new("bench attention --feature bogus", null, Front("bench attention", "--feature", "bogus"), ExitCodes.BadInput, "feature"));
        cases.Add(new("bench attention removed --block", null, Front("bench attention", "--block", "8"), ExitCodes.BadInput, "block"));
        var data = new TheoryData<Case>();
        foreach (var c in cases)
        {
            data.Add(c);
        }

        return data;
    }

    /// <summary>Valid kernel inputs (X, P, A of a fixed-value model, n = 5, d = 3, m = 40) in <paramref name="dir"/>.</summary>
    /// <param name="dir">The folder (created).</param>
    internal static void WriteInputs(string dir)
    {
        Directory.CreateDirectory(dir);
        var spec = PrefixModelSpec.Create(ValuePath.FixedValue, 3, 40, 0.7, 2);
        using var model = PrefixModel.Initialize(spec, 3);
        using var x = InputSets.UnitSphere(5, 3, 4);
        NpyFile.Write(Path.Combine(dir, "X.npy"), NpyArray.FromTensor(x));
        NpyFile.Write(Path.Combine(dir, "P.npy"), NpyArray.FromTensor(model.Prefix));
        NpyFile.Write(Path.Combine(dir, "A.npy"), NpyArray.FromTensor(model.Values!));
    }

    /// <summary>Valid attention inputs (X, WQ, WK, WV, P; L = 6, D = 5, m = 40) in <paramref name="dir"/>.</summary>
    /// <param name="dir">The folder (created).</param>
    internal static void WriteAttentionInputs(string dir)
    {
        Directory.CreateDirectory(dir);
        using var generator = new Generator(11);
        void Save(string name, long rows, long cols, double scale) =>
            NpyFile.Write(Path.Combine(dir, name), NpyArray.FromTensor(randn([rows, cols], ScalarType.Float64, generator: generator) * scale));
        Save("X.npy", 6, 5, 0.5);
        Save("WQ.npy", 5, 4, 0.5);
        Save("WK.npy", 5, 4, 0.5);
        Save("WV.npy", 5, 3, 1.0);
        Save("P.npy", 40, 5, 0.5);
    }

    private Dictionary<string, string> Snapshot() =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Path.Combine(root, "in"), StringComparison.Ordinal))
            .ToDictionary(f => f, f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    /// <summary>Each case: its exit code, a one-line message naming the problem, no stack trace, earlier outputs unchanged.</summary>
    /// <param name="c">The case.</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public void BadInputIsRefusedCleanly(Case c)
    {
        ArgumentNullException.ThrowIfNull(c);
        string input = Path.Combine(root, "in");
        string output = Path.Combine(root, "out");
        if (c.Args.Length > 0 && c.Args[0] == "attention")
        {
            WriteAttentionInputs(input);
        }
        else
        {
            WriteInputs(input);
        }

        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "summary.json"), "{\"earlier\": true}");
        File.WriteAllBytes(Path.Combine(output, "F.npy"), [1, 2, 3]);
        string cfg = Path.Combine(RepositoryPaths.ProfileConfigs("smoke"), "theoremb.json");
        c.Spoil?.Invoke(input);
        var before = Snapshot();
        var args = c.Args.Select(a => a.Replace("{in}", input, StringComparison.Ordinal).Replace("{out}", output, StringComparison.Ordinal)
            .Replace("{root}", root, StringComparison.Ordinal).Replace("{cfg}", cfg, StringComparison.Ordinal)).ToArray();
        var stdout = new StringWriter(CultureInfo.InvariantCulture);
        var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = CliRunner.Run(args, stdout, stderr);
        string err = stderr.ToString();
        Assert.True(code == c.Code, $"{c.Name}: exit {code}, expected {c.Code}; stderr: {err}; stdout: {stdout}");
        Assert.Contains(c.Message, err, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", err, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot());
    }

    /// <summary>Two same-seed runs of kernel and attention write bit-identical files, and MKL_CBWR is set by default.</summary>
    [Fact]
    public void Two_same_seed_runs_are_bit_identical()
    {
        string kin = Path.Combine(root, "kin"), ain = Path.Combine(root, "ain");
        WriteInputs(kin);
        WriteAttentionInputs(ain);
        var hashes = new List<Dictionary<string, string>>();
        for (int run = 0; run < 2; run++)
        {
            string kout = Path.Combine(root, $"kout{run}"), aout = Path.Combine(root, $"aout{run}");
            Assert.Equal(ExitCodes.Success, CliRunner.Run(["kernel", "--in", kin, "--out", kout], TextWriter.Null, TextWriter.Null));
            Assert.Equal(ExitCodes.Success, CliRunner.Run(["attention", "--in", ain, "--out", aout, "--feature", "prf:16"], TextWriter.Null, TextWriter.Null));
            hashes.Add(new[] { kout, aout }.SelectMany(d => Directory.GetFiles(d))
                .Where(f => !f.EndsWith(".json", StringComparison.Ordinal))
                .ToDictionary(f => Path.GetFileName(Path.GetDirectoryName(f))![..4] + "/" + Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))));
        }

        Assert.Equal(7, hashes[0].Count);
        Assert.Equal(hashes[0], hashes[1]);
        Assert.False(string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NtkProofs.Numerics.DeterministicBlas.Variable)));
    }

    /// <summary>A read-only and a full output filesystem (a 1 MiB tmpfs, root only): exit 1, one line, earlier outputs kept.</summary>
    [Fact]
    public void Read_only_and_full_output_filesystems_fail_cleanly_and_keep_earlier_outputs()
    {
        if (Environment.UserName != "root" || !OperatingSystem.IsLinux())
        {
            Console.WriteLine("skipped: mounting a tmpfs needs root");
            return;
        }

        string mount = Path.Combine(root, "mnt");
        Directory.CreateDirectory(mount);
        if (!Sh($"mount -t tmpfs -o size=64k tmpfs {mount}"))
        {
            Console.WriteLine("skipped: mount -t tmpfs failed (no CAP_SYS_ADMIN in this container)");
            return;
        }

        try
        {
            string kin = Path.Combine(root, "kin");
            WriteInputs(kin);
            string outDir = Path.Combine(mount, "out");
            Directory.CreateDirectory(outDir);
            File.WriteAllText(Path.Combine(outDir, "summary.json"), "{\"earlier\": true}");

            // Full: fill the filesystem, then run.
            using (var filler = File.Create(Path.Combine(mount, "filler")))
            {
                try
                {
                    filler.Write(new byte[1 << 20]);
                }
                catch (IOException)
                {
                    // Expected: the disk is now full.
                }
            }

            var err = new StringWriter(CultureInfo.InvariantCulture);
            int code = CliRunner.Run(["kernel", "--in", kin, "--out", outDir], TextWriter.Null, err);
            Assert.True(code == ExitCodes.CheckFailed, err.ToString());
            Assert.DoesNotContain("   at ", err.ToString(), StringComparison.Ordinal);
            Assert.Equal("{\"earlier\": true}", File.ReadAllText(Path.Combine(outDir, "summary.json")));
            File.Delete(Path.Combine(mount, "filler"));

            // Read-only.
            Assert.True(Sh($"mount -o remount,ro {mount}"));
            err = new StringWriter(CultureInfo.InvariantCulture);
            code = CliRunner.Run(["kernel", "--in", kin, "--out", outDir], TextWriter.Null, err);
            Assert.True(code == ExitCodes.CheckFailed, err.ToString());
            Assert.Contains("read-only", err.ToString(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("{\"earlier\": true}", File.ReadAllText(Path.Combine(outDir, "summary.json")));
        }
        finally
        {
            Sh($"umount {mount}");
        }
    }

    private static bool Sh(string command)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", command + " 2>/dev/null"]) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode == 0;
    }
}
