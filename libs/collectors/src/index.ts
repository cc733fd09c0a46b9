// Linux host collectors: issue #4.
export {};
