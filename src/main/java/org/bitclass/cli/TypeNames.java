package org.bitclass.cli;

import org.bitclass.gguf.GgmlType;
import org.bitclass.quant.FileType;
import org.bitclass.quant.TensorTypeOverrides;

import java.util.Iterator;

/**
 * The type names commands accept, from one source wherever they are listed: in errors and, through picocli's
 * {@code ${COMPLETION-CANDIDATES}}, in the help of the options that take them.
 */
final class TypeNames {

    private TypeNames() {
    }

    /** A file type as llama-quantize takes it; an unknown name is a usage error listing the valid ones. */
    static FileType fileType(String name, String option) {
        return FileType.parse(name).orElseThrow(() -> new UsageError("unknown type '" + name + "' in " + option
                + "; valid types: " + FileType.validNames()));
    }

    /** A tensor type as llama-quantize's type options take it; an unknown name is a usage error listing them. */
    static GgmlType tensorType(String name, String option) {
        try {
            return TensorTypeOverrides.parseType(name, option);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** File types (recipes): Q4_K_M, ... */
    static final class FileTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FileType.names().iterator();
        }
    }

    /** Tensor types: Q4_K, ... */
    static final class TensorTypes implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return TensorTypeOverrides.typeNames().iterator();
        }
    }
}
