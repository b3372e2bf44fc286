#include "report_error.hpp"

#include "exit_codes.hpp"
#include "percpu/source_text.hpp"

namespace percpu::cli {
namespace {

std::string remedy_of(const Error& e, const ErrorWording& wording) {
  const char* flags = wording.remedy && e.remedy() != Remedy::none ? wording.remedy(e.remedy()) : nullptr;
  return flags ? std::string(" (") + flags + ")" : std::string();
}

}  // namespace

int report_error(std::exception_ptr thrown, const ErrorWording& wording, std::ostream& err) {
  try {
    std::rethrow_exception(thrown);
  } catch (const SourceError& e) {
    err << e.file() << ':' << e.line() << ':' << e.column() << ": error: " << e.message() << remedy_of(e, wording)
        << '\n'
        << excerpt(e.source_line(), e.column());
    return kExitBadInput;
  } catch (const InvalidArgument& e) {
    err << wording.prefix << e.what() << remedy_of(e, wording) << '\n';
    return kExitUsage;
  } catch (const Error& e) {  // IoError, the tools' own kinds: what() names the file
    err << wording.prefix << e.what() << remedy_of(e, wording) << '\n';
    return kExitBadInput;
  } catch (const std::exception& e) {
    err << wording.prefix << wording.subject << e.what() << '\n';
    return kExitBadInput;
  } catch (...) {
    err << wording.prefix << wording.subject << "unexpected error\n";
    return kExitBadInput;
  }
}

}  // namespace percpu::cli
