using NtkProofs.Model;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Support;

/// <summary>
/// An independent implementation of the prefix model's forward pass through TorchSharp autograd, used as the oracle for the
/// analytic gradients and kernels. It shares no code with <see cref="PrefixModel"/> beyond reading its parameters.
/// </summary>
internal static class AutogradReference
{
    /// <summary>Dense Jacobian dF/dtheta, (n c) x (#trainable), one backward pass per output coordinate.</summary>
    public static Tensor Jacobian(PrefixModel model, Tensor x)
    {
        using var scope = NewDisposeScope();
        var (output, parameters) = Forward(model, x);
        var flat = output.reshape(-1);
        var rows = new List<Tensor>();
        for (long k = 0; k < flat.shape[0]; k++)
        {
            var grads = autograd.grad([flat[k]], parameters, retain_graph: true, allow_unused: true);
            rows.Add(cat(grads.Select((g, i) => (g is null ? zeros_like(parameters[i]) : g).reshape(-1)).ToList(), 0));
        }

        return stack(rows, 0).detach().MoveToOuterDisposeScope();
    }

    /// <summary>Gradient of 1/2 ||F - y||^2 by autograd: (dL/dP, dL/dV or null).</summary>
    public static (Tensor Prefix, Tensor? Values) LossGradient(PrefixModel model, Tensor x, Tensor y)
    {
        using var scope = NewDisposeScope();
        var (output, parameters) = Forward(model, x);
        var loss = (output - y).square().sum() * 0.5;
        var grads = autograd.grad([loss], parameters);
        var prefix = grads[0].detach().MoveToOuterDisposeScope();
        var values = grads.Count > 1 ? grads[1].detach().MoveToOuterDisposeScope() : null;
        return (prefix, values);
    }

    /// <summary>Central finite differences of F with respect to every trainable coordinate, (n c) x (#trainable).</summary>
    public static Tensor FiniteDifferenceJacobian(PrefixModel model, Tensor x, double step = 1e-5)
    {
        using var scope = NewDisposeScope();
        var columns = new List<Tensor>();
        foreach (bool isValue in model.Spec.ValuePath == ValuePath.SeparateValue ? new[] { false, true } : new[] { false })
        {
            var target = isValue ? model.Values! : model.Prefix;
            var flat = target.view(-1);
            for (long q = 0; q < flat.shape[0]; q++)
            {
                double original = flat[q].item<double>();
                flat[q] = original + step;
                var plus = model.Output(x).reshape(-1);
                flat[q] = original - step;
                var minus = model.Output(x).reshape(-1);
                flat[q] = original;
                columns.Add((plus - minus) / (2 * step));
            }
        }

        return stack(columns, 1).MoveToOuterDisposeScope();
    }

    private static (Tensor Output, List<Tensor> Parameters) Forward(PrefixModel model, Tensor x)
    {
        var p = model.Prefix.detach().clone().requires_grad_(true);
        var parameters = new List<Tensor> { p };
        Tensor value;
        switch (model.Spec.ValuePath)
        {
            case ValuePath.TiedValue:
                value = p;
                break;
            case ValuePath.SeparateValue:
                value = model.Values!.detach().clone().requires_grad_(true);
                parameters.Add(value);
                break;
            default:
                value = model.Values!.detach().clone();
                break;
        }

        var scores = x.mm(p.t());
        var shifted = scores - scores.max(1, keepdim: true).values.detach();
        var weights = shifted.exp() / shifted.exp().sum(1, keepdim: true);
        var output = weights.mm(value) * model.Alpha;
        if (model.Spec.Centred)
        {
            // F_c = F(theta) - F(theta_0), theta_0 recomputed here from the stored initial parameters (a constant).
            var p0 = model.InitialPrefix!.detach();
            var v0 = model.Spec.ValuePath == ValuePath.TiedValue ? p0 : model.InitialValues!.detach();
            var s0 = x.mm(p0.t());
            var e0 = (s0 - s0.max(1, keepdim: true).values).exp();
            output = output - ((e0 / e0.sum(1, keepdim: true)).mm(v0) * model.Alpha);
        }

        return (output, parameters);
    }
}
