package org.bitclass.eval.tasks;

/**
 * A downstream score as llama-perplexity reports it, in percent: the accuracy and the range it prints around it
 * (HellaSwag: the 95 % Wilson score interval; WinoGrande and multiple choice: ± one standard error).
 */
public record TaskScore(TaskKind kind, int tasks, double percent, double low, double high) {
}
