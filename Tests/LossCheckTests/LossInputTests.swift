import LossCheck
import LossCheckHarness
import LossCheckTestSupport
import Testing

/// The typed argument names against the spec, and their mapping to and
/// from the case schema's names.
@Suite struct LossInputTests {
  /// Every differentiable input of every loss in golden/spec.json is a
  /// `LossInput` (by its PyTorch name), and every `LossInput` is one.
  @Test func theCasesAreTheSpecsDifferentiableInputs() throws {
    let spec = try #require(Fixtures.spec)
    var names = Set<String>()
    for loss in spec.losses.values {
      for input in loss.inputs where input.differentiable {
        names.insert(input.name)
      }
    }
    #expect(Set(LossInput.allCases.map(\.pytorchName)) == names)
  }

  @Test func pytorchNamesRoundTrip() {
    for input in LossInput.allCases {
      #expect(LossInput(pytorchName: input.pytorchName) == input)
    }
    #expect(LossInput.variance.pytorchName == "var")
    #expect(LossInput.logProbs.pytorchName == "log_probs")
    #expect(LossInput(pytorchName: "variance") == nil)
    #expect(LossInput(pytorchName: "targets") == nil)
  }

  /// A case's `grad_wrt` reaches the library as typed names, and the
  /// gradients come back under the case's names.
  @Test func caseNamesMapToTypedRequestsAndBack() throws {
    let spec = try #require(Fixtures.spec)
    let cases = Fixtures.cases(of: "GaussianNLLLoss").filter {
      $0.gradWrt.contains("var")
    }
    let c = try #require(cases.first)
    let lossSpec = try #require(spec.losses[c.loss])
    let call = try LossCall(c, spec: lossSpec)
    #expect(call.wrt.contains(.variance))
    #expect(call.wrt.inputs.count == Set(c.gradWrt).count)
    let value = LossValue<Double>(
      value: Tensor(0), gradients: Gradients([.variance: Tensor(2)]))
    #expect(value.gradient(named: "var")?.scalars == [2])
    #expect(value.gradient(named: "variance") == nil)
  }

  @Test func gradientsAreReadAndWrittenByArgument() {
    var g = Gradients<Float>()
    #expect(g.inputs.isEmpty)
    g[.target] = Tensor(1)
    g[.input] = Tensor(2)
    #expect(g.inputs == [.input, .target])
    g[.target] = nil
    #expect(g.inputs == [.input])
    let request: GradientRequest = [.input, .input, .logProbs]
    #expect(request.inputs == [.input, .logProbs])
    #expect(!request.contains(.target) && GradientRequest.none.isEmpty)
  }
}
