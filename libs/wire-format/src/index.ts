// netwatch-compatible payload types, validation and serialization: issue #4.
export {};
