package com.apisentinel.store;

import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Tuple;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

/**
 * Rows passed as one array per column, each bound to an {@code unnest($n::type[], ...)}: how one
 * prepared statement inserts or looks up any number of rows in a single round trip. Declared once
 * per statement, in its parameter order; immutable, so a declaration is shared by every caller.
 *
 * @param <T> what one row is made from
 */
public final class Columns<T> {

  private record Column<T>(Class<?> type, Function<T, ?> value) {
  }

  private final List<Column<T>> columns;

  private Columns(List<Column<T>> columns) {
    this.columns = List.copyOf(columns);
  }

  public static <T> Columns<T> of(Class<T> rowType) {
    return new Columns<>(List.of());
  }

  public Columns<T> uuid(Function<T, UUID> value) {
    return with(UUID.class, value);
  }

  public Columns<T> text(Function<T, String> value) {
    return with(String.class, value);
  }

  public Columns<T> timestamptz(Function<T, OffsetDateTime> value) {
    return with(OffsetDateTime.class, value);
  }

  public Columns<T> bool(Function<T, Boolean> value) {
    return with(Boolean.class, value);
  }

  public Columns<T> int2(Function<T, Short> value) {
    return with(Short.class, value);
  }

  public Columns<T> int4(Function<T, Integer> value) {
    return with(Integer.class, value);
  }

  public Columns<T> int8(Function<T, Long> value) {
    return with(Long.class, value);
  }

  public Columns<T> numeric(Function<T, BigDecimal> value) {
    return with(BigDecimal.class, value);
  }

  public Columns<T> bytea(Function<T, Buffer> value) {
    return with(Buffer.class, value);
  }

  /** Another declaration's columns, of the part of each row that {@code part} picks. */
  public <P> Columns<T> with(Columns<P> nested, Function<T, P> part) {
    List<Column<T>> more = new ArrayList<>(columns);
    nested.columns.forEach(column -> more.add(new Column<>(column.type(), part.andThen(column.value()))));
    return new Columns<>(more);
  }

  /** The columns of these rows, in declaration order, after the tuple's parameters. */
  public Tuple appendTo(Tuple parameters, List<T> rows) {
    int n = rows.size();
    for (Column<T> column : columns) {
      Object[] values = (Object[]) Array.newInstance(column.type(), n);
      for (int i = 0; i < n; i++) {
        values[i] = column.value().apply(rows.get(i));
      }
      parameters.addValue(values);
    }
    return parameters;
  }

  public Tuple toTuple(List<T> rows) {
    return appendTo(Tuple.tuple(), rows);
  }

  private Columns<T> with(Class<?> type, Function<T, ?> value) {
    List<Column<T>> more = new ArrayList<>(columns);
    more.add(new Column<>(type, value));
    return new Columns<>(more);
  }
}
