// tflm-dump MODEL.tflite OUT_DIR INPUT.npy [INPUT.npy ...]
//
// Runs MODEL on the given inputs (one .npy per model input, in the model's input order, holding
// exactly the input tensor's bytes) with the real TFLite Micro interpreter and reference kernels,
// keeping every tensor (preserve_all_tensors), and writes OUT_DIR/manifest.json and
// OUT_DIR/tensors.bin: every op's outputs in execution order, as ../shared/anchors/tflite-models
// holds them (FORMAT.md there; the generator gzips tensors.bin).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tensorflow/lite/micro/micro_interpreter.h"
#include "tensorflow/lite/micro/micro_mutable_op_resolver.h"
#include "tensorflow/compiler/mlir/lite/schema/schema_utils.h"
#include "tensorflow/lite/schema/schema_generated.h"

namespace {

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "tflm-dump: %s\n", message.c_str());
  std::exit(1);
}

std::vector<uint8_t> ReadFile(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) Fail("cannot read " + path);
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

// The data bytes of a version 1.0 .npy file (the header is checked only for its length: the
// generator writes these files and checks dtype and shape itself).
std::vector<uint8_t> NpyData(const std::string& path) {
  std::vector<uint8_t> bytes = ReadFile(path);
  if (bytes.size() < 10 || std::memcmp(bytes.data(), "\x93NUMPY", 6) != 0 || bytes[6] != 1) {
    Fail(path + " is not a version 1 .npy file");
  }
  size_t header = bytes[8] | (bytes[9] << 8);
  return std::vector<uint8_t>(bytes.begin() + 10 + header, bytes.end());
}

const char* DtypeName(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_INT8: return "int8";
    case tflite::TensorType_UINT8: return "uint8";
    case tflite::TensorType_INT16: return "int16";
    case tflite::TensorType_INT32: return "int32";
    case tflite::TensorType_INT64: return "int64";
    case tflite::TensorType_FLOAT32: return "float32";
    default: Fail("unexpected tensor type");
  }
}

size_t ElementBytes(tflite::TensorType type) {
  switch (type) {
    case tflite::TensorType_INT8:
    case tflite::TensorType_UINT8: return 1;
    case tflite::TensorType_INT16: return 2;
    case tflite::TensorType_INT64: return 8;
    default: return 4;
  }
}

std::string JsonString(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) Fail("usage: tflm-dump MODEL.tflite OUT_DIR INPUT.npy [INPUT.npy ...]");
  const std::string modelPath = argv[1];
  const std::string outDir = argv[2];
  std::vector<uint8_t> modelBytes = ReadFile(modelPath);
  const tflite::Model* model = tflite::GetModel(modelBytes.data());

  tflite::MicroMutableOpResolver<24> resolver;
  resolver.AddAdd();
  resolver.AddAveragePool2D();
  resolver.AddConcatenation();
  resolver.AddConv2D();
  resolver.AddDepthwiseConv2D();
  resolver.AddDequantize();
  resolver.AddFullyConnected();
  resolver.AddHardSwish();
  resolver.AddLogistic();
  resolver.AddMaxPool2D();
  resolver.AddMean();
  resolver.AddPad();
  resolver.AddPadV2();
  resolver.AddQuantize();
  resolver.AddRelu();
  resolver.AddRelu6();
  resolver.AddReshape();
  resolver.AddSoftmax();
  resolver.AddSqueeze();
  resolver.AddTranspose();

  static std::vector<uint8_t> arena(96 << 20);
  tflite::MicroInterpreter interpreter(model, resolver, arena.data(), arena.size(), nullptr, nullptr, true);
  if (interpreter.AllocateTensors() != kTfLiteOk) Fail("AllocateTensors failed for " + modelPath);
  if (static_cast<int>(interpreter.inputs_size()) != argc - 3) Fail("the model takes a different number of inputs");
  for (size_t i = 0; i < interpreter.inputs_size(); ++i) {
    TfLiteTensor* input = interpreter.input(i);
    std::vector<uint8_t> data = NpyData(argv[3 + i]);
    if (data.size() != input->bytes) Fail(std::string(argv[3 + i]) + " does not hold the input tensor's bytes");
    std::memcpy(input->data.raw, data.data(), data.size());
  }
  if (interpreter.Invoke() != kTfLiteOk) Fail("Invoke failed for " + modelPath);

  const tflite::SubGraph* subgraph = model->subgraphs()->Get(0);
  std::ofstream blob(outDir + "/tensors.bin", std::ios::binary);
  if (!blob) Fail("cannot write " + outDir + "/tensors.bin");
  std::ostringstream manifest;
  manifest << "{\"model\": " << JsonString(modelPath.substr(modelPath.find_last_of('/') + 1)) << ", \"inputs\": [";
  for (int i = 3; i < argc; ++i) {
    std::string input = argv[i];
    manifest << (i > 3 ? ", " : "") << JsonString(input.substr(input.find_last_of('/') + 1));
  }
  manifest << "], \"tensors\": [";
  size_t offset = 0;
  bool first = true;
  for (uint32_t opIndex = 0; opIndex < subgraph->operators()->size(); ++opIndex) {
    const tflite::Operator* op = subgraph->operators()->Get(opIndex);
    const tflite::OperatorCode* code = model->operator_codes()->Get(op->opcode_index());
    const tflite::BuiltinOperator builtin = tflite::GetBuiltinCode(code);
    for (int32_t tensorIndex : *op->outputs()) {
      const tflite::Tensor* tensor = subgraph->tensors()->Get(tensorIndex);
      size_t elements = 1;
      std::ostringstream shape;
      shape << "[";
      for (uint32_t d = 0; d < tensor->shape()->size(); ++d) {
        elements *= tensor->shape()->Get(d);
        shape << (d ? ", " : "") << tensor->shape()->Get(d);
      }
      shape << "]";
      const size_t bytes = elements * ElementBytes(tensor->type());
      TfLiteEvalTensor* values = interpreter.GetTensor(tensorIndex);
      if (values == nullptr) Fail("tensor " + std::to_string(tensorIndex) + " was not kept");
      blob.write(reinterpret_cast<const char*>(values->data.raw), static_cast<std::streamsize>(bytes));
      manifest << (first ? "" : ", ") << "\n  {\"tensor\": " << JsonString(tensor->name()->str())
               << ", \"index\": " << tensorIndex << ", \"op\": " << opIndex << ", \"opType\": "
               << JsonString(tflite::EnumNameBuiltinOperator(builtin)) << ", \"dtype\": "
               << JsonString(DtypeName(tensor->type())) << ", \"shape\": " << shape.str()
               << ", \"offset\": " << offset << ", \"bytes\": " << bytes << "}";
      offset += bytes;
      first = false;
    }
  }
  manifest << "\n]}\n";
  std::ofstream manifestFile(outDir + "/manifest.json");
  manifestFile << manifest.str();
  if (!blob.flush() || !manifestFile.flush()) Fail("cannot write the dump into " + outDir);
  return 0;
}
